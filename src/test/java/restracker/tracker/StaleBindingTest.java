package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import restracker.kernel.Records;
import restracker.kernel.TrackerStructs;
import restracker.testing.BpfMaps;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/**
 * A binding of a tracked process to a memory or descriptor table it no longer holds (its exit
 * unseen, the table freed and its address given to another process) must never count that other
 * process against it, nor kill either of them. The test fabricates such a binding in the pinned
 * maps with bpftool: the tracked process's entry and the objects map name the descriptor table of
 * another, untracked process, which then opens more files than the tracked one's quota.
 */
class StaleBindingTest {
    private static final int FILES_QUOTA = 2;
    @Loaded(trackerHooks = TrackerHooks.TRACEPOINT)
    static ResourceTracker tracker;

    private static Path map(String name) {
        return TestKernel.pinDir(StaleBindingTest.class).resolve("tracker").resolve(name);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The objects map's entry of kind for process tgid: {key, value}. */
    private static byte[][] binding(int tgid, int kind) {
        long tgidAt = TrackerStructs.RT_OBJECT.offset("tgid"), kindAt = TrackerStructs.RT_OBJECT.offset("kind");
        for (byte[][] e : BpfMaps.pinnedEntries(map("objects"))) {
            if (le(e[1]).getInt((int) tgidAt) == tgid && le(e[1]).getInt((int) kindAt) == kind) return e;
        }
        throw new AssertionError("process " + tgid + " has a binding of kind " + kind + " in " + map("objects"));
    }

    private static byte[] entity(int id) {
        for (byte[][] e : BpfMaps.pinnedEntries(map("entities"))) {
            if (le(e[0]).getInt(0) == id) return e[1];
        }
        throw new AssertionError("process " + id + " has an entry in " + map("entities"));
    }

    @Test
    void aTableBoundToATrackedProcessThatNoLongerHoldsItCountsNobody() {
        try (Workload other = Workload.start(); Workload tracked = Workload.start()) {
            tracker.register(other.pid());
            byte[][] othersTable = binding(other.pid(), Records.OBJ_FILES);
            tracker.deregister(other.pid());

            tracker.register(tracked.pid());
            tracker.cap(tracked.pid(), new Quota(Quota.UNLIMITED, FILES_QUOTA), false);
            byte[][] trackedTable = binding(tracked.pid(), Records.OBJ_FILES);
            // The tracked process's entry and the objects map now say it holds the other's table.
            byte[] e = entity(tracked.pid());
            le(e).putLong((int) TrackerStructs.RT_ENTITY.offset("files_key"), le(othersTable[0]).getLong(0));
            BpfMaps.updatePinned(map("entities"), le(new byte[4]).putInt(0, tracked.pid()).array(), e);
            byte[] stale = trackedTable[1].clone();
            BpfMaps.updatePinned(map("objects"), othersTable[0], stale);

            for (int i = 0; i < 2 * FILES_QUOTA + 1; i++) other.open("/dev/null");
            other.send("sleep_ms 20");
            tracked.send("sleep_ms 20");

            assertTrue(other.alive(), "the untracked process that opened the files lives");
            assertTrue(tracked.alive(), "the tracked process, within its quota in its own table, lives");
            assertEquals(0, tracker.fetch(tracked.pid()).openFiles(), "nothing was counted against the tracked process");
            assertTrue(tracker.events().events().stream().noneMatch(k -> k.pid() == other.pid() || k.pid() == tracked.pid()),
                    "no kill was logged: " + tracker.events().events());
        }
    }
}
