package restracker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.testing.Cli;
import restracker.testing.DaemonJvm;
import restracker.testing.JsonTree;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.tracker.ResourceTracker;

/**
 * A user names its process with terminal escape sequences (clear the screen, set the window title)
 * and gets it tracked and killed; root's and the user's outputs that show process names (status,
 * top, events, fetch) must print them escaped, never the raw control characters, and JSON stays
 * valid JSON with them escaped.
 */
class EscapedOutputTest {
    /** ESC [2J (clear), ESC ]0;PWN BEL (window title): 12 bytes, within comm's 15. */
    private static final String HOSTILE = "\033[2J\033]0;PWN\007";
    private static final String ESCAPED = "\\u001b[2J\\u001b]0;PWN\\u0007";
    @Loaded
    private static ResourceTracker tracker;
    private static TestUser user;
    private static DaemonJvm daemon;
    private static Path pinDir, handshake;

    @BeforeAll
    static void start() throws Exception {
        pinDir = TestKernel.pinDir(EscapedOutputTest.class);
        user = TestUser.create();
        daemon = DaemonJvm.start(pinDir);
        handshake = Files.createTempDirectory("restracker-go-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) daemon.close();
        if (user != null) user.close();
        if (handshake != null) {
            Files.deleteIfExists(handshake.resolve("go"));
            Files.deleteIfExists(handshake);
        }
    }

    private static Cli.Result asUser(String... args) throws Exception {
        return user.cli(Map.of("RESTRACKER_CONTROL_SOCKET", daemon.socket().toString()), List.of(), args);
    }

    private static Cli.Result asRoot(String... args) throws Exception {
        return Cli.run(pinDir, "", args);
    }

    @Test
    void processNamesWithEscapeSequencesArePrintedEscaped() throws Exception {
        // The user's shell renames itself (its comm), says so, waits for "go", then opens a file.
        String script = "printf '\\033[2J\\033]0;PWN\\007' > /proc/self/comm; echo ready;"
                + " while [ ! -e " + handshake + "/go ]; do sleep 0.05; done; exec 3</dev/null; sleep 30";
        Process hostile = new ProcessBuilder("setpriv", "--reuid=" + user.name(), "--regid=" + user.name(),
                "--clear-groups", "sh", "-c", script).redirectErrorStream(true).start();
        try {
            var ready = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(hostile.getInputStream(), StandardCharsets.UTF_8)).readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            });
            assertEquals("ready", ready.get(30, TimeUnit.SECONDS));
            String pid = Long.toString(hostile.pid());
            assertEquals(HOSTILE + "\n", Files.readString(Path.of("/proc", pid, "comm")), "the kernel holds the hostile name");

            Cli.Result r = asUser("register", pid);
            assertEquals(0, r.status(), r.err());
            r = asUser("cap", pid, "--files", "0");
            assertEquals(0, r.status(), r.err());

            for (Cli.Result shown : List.of(asRoot("status"), asUser("status"), asRoot("top", "--count", "1"))) {
                assertEscaped(shown);
                assertTrue(shown.out().contains(ESCAPED), shown.out());
            }
            for (Cli.Result json : List.of(asRoot("fetch", pid, "--json"), asUser("fetch", pid, "--json"))) {
                assertEquals(0, json.status(), json.err());
                assertEscaped(json);
                assertEquals(HOSTILE, JsonTree.parse(json.out()).get("comm").asText(), "the kernel's name, escaped only in the text: " + json.out());
            }

            Files.createFile(handshake.resolve("go"));
            assertTrue(hostile.waitFor(30, TimeUnit.SECONDS), "the file crosses the quota");
            assertEquals(137, hostile.exitValue());

            for (Cli.Result shown : List.of(asRoot("events"), asUser("events"), asUser("events", "--pid", pid),
                    asRoot("events", "--pid", pid))) {
                assertEquals(0, shown.status(), shown.err());
                assertEscaped(shown);
                assertTrue(shown.out().contains("pid " + pid + " (" + ESCAPED + ")"), shown.out());
            }
            for (Cli.Result json : List.of(asRoot("events", "--json"), asUser("events", "--json"))) {
                assertEscaped(json);
                JsonNode kill = JsonTree.withPid(JsonTree.parse(json.out()).get("events"), hostile.pid());
                assertEquals(HOSTILE, kill.get("comm").asText(), "the kernel's name, escaped only in the text: " + json.out());
            }
        } finally {
            hostile.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** No control character but the lines' ends, on either stream. */
    private static void assertEscaped(Cli.Result r) {
        for (String text : List.of(r.out(), r.err())) {
            for (char c : text.toCharArray()) {
                assertFalse(c != '\n' && (Character.isISOControl(c)), "raw control character " + (int) c + " in: " + text);
            }
        }
    }
}
