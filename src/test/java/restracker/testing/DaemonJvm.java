package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import restracker.cli.Main;

/**
 * `restracker daemon` in a JVM of its own, as root runs it, with its own pin directory and a control
 * socket in a fresh root-owned 0755 directory: what users' CLIs talk to in the control tests.
 */
public final class DaemonJvm implements AutoCloseable {
    private final Child process;
    private final Path socketDir;
    private final Path socket;

    private DaemonJvm(Child process, Path socketDir, Path socket) {
        this.process = process;
        this.socketDir = socketDir;
        this.socket = socket;
    }

    /** Starts a daemon on pinDir and waits (60 s at most) until it says it serves its control socket. */
    public static DaemonJvm start(Path pinDir) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("restracker-control-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path socket = dir.resolve("control.sock");
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "daemon", "--listen", "127.0.0.1:0", "--control", socket.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("RESTRACKER_PIN_DIR", pinDir.toString());
        Child c = Child.start(pb, "restracker daemon");
        DaemonJvm d = new DaemonJvm(c, dir, socket);
        String line = c.nextLine(Duration.ofSeconds(60)); // fails the test (and kills it) past the deadline
        if (!line.contains("control socket " + socket)) {
            d.close();
            assertTrue(false, "the daemon serves the control socket: " + line + c.printed());
        }
        return d;
    }

    public Path socket() {
        return socket;
    }

    /** The daemon's pid (to stop it, say). */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.process().isAlive();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.stop(Duration.ofSeconds(30));
        Files.deleteIfExists(socket);
        Files.deleteIfExists(socketDir);
    }
}
