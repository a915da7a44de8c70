package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import restracker.cli.Main;

/**
 * `restracker daemon` in a JVM of its own, as root runs it, with its own pin directory and a control
 * socket in a fresh root-owned 0755 directory: what users' CLIs talk to in the control tests.
 */
public final class DaemonJvm implements AutoCloseable {
    private final Process process;
    private final Path socketDir;
    private final Path socket;

    private DaemonJvm(Process process, Path socketDir, Path socket) {
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
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("RESTRACKER_PIN_DIR", pinDir.toString());
        Process p = pb.start();
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = first.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            line = null;
        }
        DaemonJvm d = new DaemonJvm(p, dir, socket);
        if (line == null || !line.contains("control socket " + socket)) {
            d.close();
            assertTrue(false, "the daemon serves the control socket: " + line);
        }
        return d;
    }

    public Path socket() {
        return socket;
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Files.deleteIfExists(socket);
        Files.deleteIfExists(socketDir);
    }
}
