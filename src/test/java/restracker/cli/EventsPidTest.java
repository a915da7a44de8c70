package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.testing.Cli;
import restracker.testing.JsonTree;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/** `restracker events --pid PID` shows that process's kills and no other's. */
class EventsPidTest {
    @Loaded
    private static ResourceTracker tracker;
    private static Path pinDir;

    @BeforeAll
    static void load() {
        pinDir = TestKernel.pinDir(EventsPidTest.class);
    }

    private static void killAtItsFirstOpen(Workload w) {
        tracker.register(w.pid());
        tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 0), false);
        assertThrows(Workload.WorkloadDied.class, () -> w.open("/dev/null"));
        assertEquals(128 + 9, w.waitForExit());
    }

    @Test
    void onlyThatPidsKills() throws Exception {
        try (Workload a = Workload.start(); Workload b = Workload.start(); Workload spared = Workload.start()) {
            killAtItsFirstOpen(a);
            killAtItsFirstOpen(b);
            JsonNode all = JsonTree.parse(Cli.run(pinDir, "", "events", "--json").out()).get("events");
            assertTrue(JsonTree.hasPid(all, a.pid()) && JsonTree.hasPid(all, b.pid()), "both kills logged: " + all);

            Cli.Result json = Cli.run(pinDir, "", "events", "--pid", Integer.toString(a.pid()), "--json");
            assertEquals(0, json.status(), json.err());
            JsonNode events = JsonTree.parse(json.out()).get("events");
            assertEquals(1, events.size(), "a's one kill: " + json.out());
            assertEquals(a.pid(), events.get(0).get("pid").asInt(), json.out());

            Cli.Result text = Cli.run(pinDir, "", "events", "--pid", Integer.toString(a.pid()));
            assertEquals(0, text.status(), text.err());
            assertEquals(1, text.out().strip().lines().count(), "one line: " + text.out());
            assertTrue(text.out().contains("pid " + a.pid() + " ") && !text.out().contains("pid " + b.pid() + " "), text.out());

            Cli.Result none = Cli.run(pinDir, "", "events", "--pid", Integer.toString(spared.pid()), "--json");
            assertEquals(0, none.status(), none.err());
            assertEquals(0, JsonTree.parse(none.out()).get("events").size(), "no kill of a process never killed: " + none.out());
        }
    }
}
