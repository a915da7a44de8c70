package restracker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.testing.Cli;
import restracker.testing.DaemonJvm;
import restracker.testing.Loaded;
import restracker.testing.RawFrames;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.tracker.ResourceTracker;

/**
 * A user tries to jam the control socket: more requests than the daemon has workers, each naming a
 * FIFO nobody writes (opening it would block forever). Each must be answered within a deadline, and
 * meanwhile another call (`restracker status`) must get through promptly.
 */
class ControlJamTest {
    private static final int REQUESTS = 24; // more than the daemon's 16 workers
    @Loaded
    private static ResourceTracker tracker;
    private static TestUser user;
    private static DaemonJvm daemon;
    private static Path fifoDir, fifo;

    @BeforeAll
    static void start() throws Exception {
        user = TestUser.create();
        daemon = DaemonJvm.start(TestKernel.pinDir(ControlJamTest.class));
        fifoDir = Files.createTempDirectory("restracker-fifo-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        fifo = fifoDir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", "-m", "666", fifo.toString()).start().waitFor());
    }

    @AfterAll
    static void stop() throws Exception {
        if (fifo != null) {
            // Whoever may still block opening the FIFO for reading is let go (a writer appears).
            Thread.ofPlatform().daemon().start(() -> {
                try (var w = new java.io.FileOutputStream(fifo.toFile())) {
                    w.flush();
                } catch (java.io.IOException e) {
                    // nobody was waiting
                }
            });
        }
        if (daemon != null) daemon.close();
        if (user != null) user.close();
        if (fifo != null) Files.deleteIfExists(fifo);
        if (fifoDir != null) Files.deleteIfExists(fifoDir);
    }

    @Test
    void requestsNamingAFifoNeitherBlockTheDaemonNorOtherUsers() throws Exception {
        List<String> args = new ArrayList<>(List.of(daemon.socket().toString(), Integer.toString(REQUESTS), "20",
                RawFrames.rtc1("0", "status", "@" + fifo)));
        Process attacker = user.start(Map.of(), List.of(), RawFrames.class.getName(), args.toArray(String[]::new));
        attacker.getOutputStream().close();
        var err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(attacker.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "";
            }
        });
        var lines = new java.util.concurrent.LinkedBlockingQueue<String>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(attacker.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // the attacker was ended
            }
        });
        try {
            String first = lines.poll(30, TimeUnit.SECONDS);
            assertEquals("sent " + REQUESTS, first, "the attacker's requests are all sent: " + err.getNow(""));
            // While they are in, a user's ordinary call must still be answered, promptly.
            Cli.Result r = user.cli(Duration.ofSeconds(20), Map.of("RESTRACKER_CONTROL_SOCKET", daemon.socket().toString()),
                    List.of(), "status");
            assertEquals(0, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("tracked: "), r.out());

            assertTrue(attacker.waitFor(40, TimeUnit.SECONDS), "the attacker's client ended");
            for (int i = 0; i < REQUESTS; i++) {
                String line = lines.poll(5, TimeUnit.SECONDS);
                assertTrue(line != null, "an answer for request " + i);
                RawFrames.Reply reply = RawFrames.Reply.of(line); // "timeout" fails here: a request was left hanging
                if (reply == null) continue;
                assertEquals(22, reply.status(), reply.raw());
                assertTrue(reply.err().strip().endsWith("[EINVAL (22)]"), reply.err());
            }
        } finally {
            attacker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(daemon.alive());
    }
}
