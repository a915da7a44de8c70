package restracker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.testing.Cli;
import restracker.testing.DaemonJvm;
import restracker.testing.JsonTree;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.testing.Workload;

/**
 * After root unloads restracker, nothing a user asks through the daemon loads it again: reads
 * answer "not loaded" or "not tracked", changes are refused with ENODEV and a sentence saying to
 * ask root. Root's own commands still load it.
 */
class ReadsNeverLoadTest {
    private static TestUser user;
    private static DaemonJvm daemon;
    private static Path pinDir;

    @BeforeAll
    static void start() throws Exception {
        TestKernel.tracker(ReadsNeverLoadTest.class).close(); // loadable here (else skipped), and a clean start
        pinDir = TestKernel.pinDir(ReadsNeverLoadTest.class);
        user = TestUser.create();
        daemon = DaemonJvm.start(pinDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) daemon.close();
        if (user != null) user.close();
        TestKernel.unload(ReadsNeverLoadTest.class, null);
    }

    private static Cli.Result asUser(String... args) throws Exception {
        return user.cli(Map.of("RESTRACKER_CONTROL_SOCKET", daemon.socket().toString()), List.of(), args);
    }

    private static void assertNothingLoaded(String after) {
        assertFalse(Files.exists(pinDir.resolve("tracker")), "the tracker was loaded by " + after);
        assertFalse(Files.exists(pinDir.resolve("kernelops")), "the tracer was loaded by " + after);
    }

    @Test
    void nothingAUserAsksLoadsRestracker() throws Exception {
        PinnedState.unload(pinDir); // root's `restracker unload`, while the daemon runs
        assertNothingLoaded("root's unload");
        try (Workload own = user.workload()) {
            String pid = Integer.toString(own.pid());
            record Expect(int status, String text, String... args) {}
            List<Expect> reads = List.of(
                    new Expect(22, "cannot fetch pid " + pid + ": it is not tracked", "fetch", pid),
                    new Expect(22, "cannot fetch pid " + pid + ": it is not tracked", "fetch", pid, "--json"),
                    new Expect(0, "the tracker is not loaded", "status"),
                    new Expect(0, "restracker is not loaded: no events", "events"),
                    new Expect(0, "restracker is not loaded: no events", "events", "--pid", pid),
                    new Expect(0, "PID   kmalloc", "tracer", "show"),
                    new Expect(3, "cannot remove pid " + pid + ": it is not traced", "tracer", "remove", pid));
            for (Expect e : reads) {
                Cli.Result r = asUser(e.args());
                String what = String.join(" ", e.args());
                assertEquals(e.status(), r.status(), what + ": " + r.out() + r.err());
                assertTrue((r.out() + r.err()).contains(e.text()), what + ": " + r.out() + r.err());
                assertNothingLoaded(what);
            }
            Cli.Result events = asUser("events", "--json");
            assertEquals(0, events.status(), events.err());
            assertEquals(JsonTree.parse("{\"events\":[],\"overwritten\":0,\"total\":0}"), JsonTree.parse(events.out()),
                    "no events: " + events.out());
            assertNothingLoaded("events --json");
            Cli.Result tracer = asUser("tracer", "show", "--json");
            assertEquals(0, tracer.status(), tracer.err());
            assertFalse(JsonTree.parse(tracer.out()).get("loaded").asBoolean(true), tracer.out());
            assertNothingLoaded("tracer show --json");
            List<String[]> changes = List.of(new String[] {"register", pid}, new String[] {"cap", pid, "--files", "1"},
                    new String[] {"reset", pid}, new String[] {"deregister", pid}, new String[] {"tracer", "add", pid},
                    new String[] {"run", "--files", "1", "--", "true"});
            for (String[] args : changes) {
                Cli.Result r = asUser(args);
                String what = String.join(" ", args);
                assertEquals(19, r.status(), what + ": " + r.out() + r.err());
                assertTrue(r.err().startsWith("restracker: ") && r.err().contains("is not loaded: ask root")
                        && r.err().strip().endsWith("[ENODEV (19)]") && r.err().strip().lines().count() == 1,
                        what + ": " + r.err());
                assertNothingLoaded(what);
            }
            assertTrue(own.alive());

            Cli.Result r = Cli.run(pinDir, "", "register", pid);
            assertEquals(0, r.status(), "root's own command loads as before: " + r.err());
            assertTrue(Files.isDirectory(pinDir.resolve("tracker")));
            r = asUser("fetch", pid);
            assertEquals(0, r.status(), "once root loaded it, the user reads through the daemon: " + r.err());
        }
    }
}
