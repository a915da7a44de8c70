package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.testing.Child;
import restracker.testing.JsonTree;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.ResourceTracker;

/**
 * The daemon keeps the pinned maps open between its readings, yet owns nothing: the state unloaded
 * behind its back is seen by the next request, after which the daemon holds nothing of it (the
 * kernel frees every map of it), and a state loaded again is seen by the next request too.
 */
class DaemonFollowsReloadTest {
    private static final List<String> MAPS = List.of("entities", "quotas", "groups", "events", "logs", "state", "objects", "meta");

    @Test
    void anUnloadAndANewLoadBehindTheDaemonsBackAreSeenAtTheNextRequest() throws Exception {
        Path dir = TestKernel.pinDir(DaemonFollowsReloadTest.class);
        TestKernel.tracker(DaemonFollowsReloadTest.class).close(); // loaded; this JVM's test holds nothing of it
        try (Workload w = Workload.start(); Daemon daemon = Daemon.start(dir, new Listen("127.0.0.1", 0))) {
            Client client = new Client("http://127.0.0.1:" + daemon.address().getPort());
            try (ResourceTracker t = ResourceTracker.open(dir)) {
                t.register(w.pid());
            }
            client.awaitReadingAfterNow();
            JsonNode before = JsonTree.parse(client.get("/api/processes").body());
            assertTrue(JsonTree.hasPid(before.get("processes"), w.pid()), before.toString());
            List<Long> ids = new ArrayList<>();
            for (String m : MAPS) ids.add(mapId(dir.resolve("tracker").resolve(m)));

            PinnedState.unload(dir); // root's `restracker unload`, while the daemon runs
            JsonNode unloaded = JsonTree.parse(client.get("/api/processes").body());
            assertFalse(unloaded.get("loaded").asBoolean(), "the next request: " + unloaded);
            assertEquals(0, unloaded.get("processes").size(), unloaded.toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<Long> alive = ids;
            while (!alive.isEmpty() && System.nanoTime() < deadline) {
                alive = alive.stream().filter(DaemonFollowsReloadTest::mapExists).toList();
                if (!alive.isEmpty()) Thread.sleep(100);
            }
            assertEquals(List.of(), alive, "maps " + MAPS + " (ids " + ids + ") still held 30 s after the unload");

            try (ResourceTracker t = ResourceTracker.open(dir)) {
                t.register(w.pid());
            }
            JsonNode reloaded = JsonTree.parse(client.get("/api/processes").body());
            assertTrue(reloaded.get("loaded").asBoolean(), "the next request: " + reloaded);
            assertTrue(JsonTree.hasPid(reloaded.get("processes"), w.pid()), "registered in the new state: " + reloaded);
        } finally {
            PinnedState.unload(dir);
        }
    }

    /** The kernel's id of the map pinned at path (bpftool). */
    private static long mapId(Path pinned) {
        Child.Output o = Child.run(new ProcessBuilder("bpftool", "-j", "map", "show", "pinned", pinned.toString()),
                "bpftool map show pinned " + pinned, Duration.ofSeconds(60));
        assertEquals(0, o.status(), o.err());
        return JsonTree.parse(o.out()).get("id").asLong();
    }

    /** Whether the kernel still has a map of that id (bpftool). */
    private static boolean mapExists(long id) {
        return Child.run(new ProcessBuilder("bpftool", "map", "show", "id", Long.toString(id)),
                "bpftool map show id " + id, Duration.ofSeconds(60)).status() == 0;
    }
}
