package restracker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * A user tries to make the root daemon read a file for it: a control request whose arguments are
 * `@FILE` (a command-line parser would expand it to the file's lines and quote them back in an
 * error). The file is root's alone (0600 in a 0700 directory) and holds a unique marker; no answer
 * may hold it, nor a stack trace, and each request gets an EINVAL answer. The CLI itself expands no
 * `@FILE` either, even as root.
 */
class ControlFileReadTest {
    @Loaded
    private static ResourceTracker tracker;
    private static TestUser user;
    private static DaemonJvm daemon;
    private static Path secretDir, secret;
    private static final String MARKER = "restracker-secret-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        user = TestUser.create();
        daemon = DaemonJvm.start(TestKernel.pinDir(ControlFileReadTest.class));
        secretDir = Files.createTempDirectory("restracker-secret-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        secret = secretDir.resolve("secret");
        Files.writeString(secret, MARKER + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) daemon.close();
        if (user != null) user.close();
        if (secret != null) Files.deleteIfExists(secret);
        if (secretDir != null) Files.deleteIfExists(secretDir);
    }

    @Test
    void atFileArgumentsSentByAUserNeverReadTheFile() throws Exception {
        String at = "@" + secret;
        List<String> frames = List.of(
                RawFrames.rtc1("0", "status", at),
                RawFrames.rtc1("0", "fetch", at),
                RawFrames.rtc1("0", "tracer", at),
                RawFrames.rtc1("0", "events", "--pid", at),
                RawFrames.rtc1("0", at),
                RawFrames.rtc1("0", "status", "@" + secretDir), // a directory: once a stack trace
                RawFrames.rtc1("0", "status", "@/root"));
        List<String> args = new ArrayList<>(List.of(daemon.socket().toString(), "1", "20"));
        args.addAll(frames);
        Cli.Result r = user.java(Duration.ofSeconds(60), Map.of(), List.of(), RawFrames.class.getName(),
                args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("sent " + frames.size(), lines.get(0));
        assertEquals(frames.size() + 1, lines.size(), r.out());
        for (String line : lines.subList(1, lines.size())) {
            RawFrames.Reply reply = RawFrames.Reply.of(line);
            if (reply == null) continue; // a closed connection: nothing read, nothing said
            assertFalse(reply.raw().contains(MARKER),
                    "the secret stays secret: " + reply.raw());
            assertFalse(reply.raw().contains("\tat ") || reply.raw().contains("Exception"), "no stack trace: " + reply.raw());
            assertEquals(22, reply.status(), reply.raw());
            assertTrue(reply.err().startsWith("restracker: ") && reply.err().strip().endsWith("[EINVAL (22)]")
                    && reply.err().strip().lines().count() == 1, "one sentence naming EINVAL: " + reply.err());
        }
        assertTrue(daemon.alive());
    }

    @Test
    void theCliExpandsNoAtFileEvenForRoot() throws Exception {
        // root can read the secret: were @FILE expanded, its marker would come back in the usage error.
        Cli.Result r = Cli.run(TestKernel.pinDir(ControlFileReadTest.class), "", "status", "@" + secret);
        assertEquals(2, r.status(), r.out() + r.err());
        assertFalse((r.out() + r.err()).contains(MARKER), r.out() + r.err());

        // A file the user may read naming a command: expanded, `restracker @FILE` would run it.
        Path dir = Files.createTempDirectory("restracker-args-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path args = dir.resolve("args");
        try {
            Files.writeString(args, "status\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(args, PosixFilePermissions.fromString("rw-r--r--"));
            r = user.cli(Map.of("RESTRACKER_CONTROL_SOCKET", daemon.socket().toString()), List.of(), "@" + args);
            assertEquals(2, r.status(), r.out() + r.err());
            assertFalse(r.out().contains("tracked"), r.out());
        } finally {
            Files.deleteIfExists(args);
            Files.deleteIfExists(dir);
        }
    }
}
