package restracker.seedabi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The small C program (built with restracker, carried in its jar) that installs the seccomp filter
 * and executes the program: copied to a directory only this user can write, for as long as this
 * object is open. See src/main/c/seccomp-launch.c for what it does.
 */
public final class Launcher implements AutoCloseable {
    private static final String RESOURCE = "/native/seccomp-launch";
    /** Where the launcher leaves the listener for the supervisor to take. */
    public static final int LISTENER_FD = 3;

    private final Path dir;
    private final Path binary;

    private Launcher(Path dir, Path binary) {
        this.dir = dir;
        this.binary = binary;
    }

    public static Launcher extract() {
        try (InputStream in = Launcher.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the seccomp launcher is missing from restracker's jar (" + RESOURCE + ")");
            Path dir = Files.createTempDirectory("restracker-seccomp-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path binary = dir.resolve("seccomp-launch");
            Files.copy(in, binary);
            Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("r-x------"));
            return new Launcher(dir, binary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the seccomp launcher to a temporary directory", e);
        }
    }

    /** The command line that runs command under abi's filter. */
    public List<String> command(SeedAbi abi, List<String> command) {
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "--listener-fd", Integer.toString(LISTENER_FD)));
        argv.addAll(abi.filterOptions());
        argv.add("--");
        argv.addAll(command);
        return argv;
    }

    /** Whether this kernel has system call nr (the launcher calls it with nothing valid to act on). */
    boolean kernelHas(int nr) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--probe", Integer.toString(nr)).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return true;
            }
            return p.exitValue() != 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the seccomp launcher", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(binary);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
