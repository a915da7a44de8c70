package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.LogRecord;
import restracker.kernel.StateRecord;
import restracker.testing.BpfMaps;
import restracker.testing.BtfLayout;
import restracker.testing.Cli;
import restracker.testing.JsonTree;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/**
 * The kill log is a ring: when it wraps, the overwritten events are counted, never silently lost.
 * The ring's size is the kernel side's (RT_EVENT_SLOTS of bpf/restracker.h, as the built object's BTF
 * carries it), and the kernel's pinned map must be as large as the header says.
 */
class EventLogTest {
    @Loaded
    private static ResourceTracker tracker;
    private static long slots;

    @BeforeAll
    static void load() {
        try {
            slots = BtfLayout.enumValue("tracker.bpf.o", "RT_EVENT_SLOTS");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theKernelsRingsAreAsLargeAsTheHeaderSays() throws Exception {
        Path maps = TestKernel.pinDir(EventLogTest.class).resolve("tracker");
        java.util.Map<String, Long> c = BtfLayout.enumValues("tracker.bpf.o");
        assertEquals(c.get("RT_EVENT_SLOTS") + c.get("RT_USER_LOGS") * c.get("RT_USER_EVENT_SLOTS"),
                BpfMaps.pinnedMaxEntries(maps.resolve("events")), "root's ring, then each user's");
        assertEquals(1 + c.get("RT_USER_LOGS"), BpfMaps.pinnedMaxEntries(maps.resolve("logs")), "root's log and the users'");
    }

    @Test
    void wrappedRingCountsWhatItOverwrote() {
        assertEquals(new EventLog(java.util.List.of(), 0, 0), tracker.events());
        // As if 5,000 kills had been logged before, all in root's log: the counters are shared with the BPF side.
        MemorySegment state = TrackerMaps.of(tracker.state()).state().mapShared(4096);
        StateRecord.setEventSeq(state, 5000L);
        LogRecord.setLogged(rootLog(), 0, 5000L);
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 0), false);
            assertThrows(Workload.WorkloadDied.class, () -> w.open("/dev/null"));
            EventLog log = tracker.events();
            assertEquals(5001, log.total());
            assertEquals(5001 - slots, log.overwritten());
            assertEquals(1, log.events().size(), "only the real event: the other slots hold nothing valid");
            assertEquals(5001, log.events().getFirst().seq());
            assertEquals(w.pid(), log.events().getFirst().pid());
            // The kernel wrote the 5,001st kill of root's log where a ring of RT_EVENT_SLOTS puts it.
            JsonNode slot = BpfMaps.pinnedValue(TestKernel.pinDir(EventLogTest.class).resolve("tracker/events"), (int) (5001 % slots));
            assertEquals(5001, slot.get("seq").asLong(), slot.toString());
            assertEquals(w.pid(), slot.get("pid").asInt(), slot.toString());
        }
    }

    /** What the ring overwrote is shown where operators look: `events` and `status`. */
    @Test
    void theCliShowsWhatTheRingOverwrote() throws Exception {
        MemorySegment state = TrackerMaps.of(tracker.state()).state().mapShared(4096);
        long total = 2 * slots + 7;
        long before = StateRecord.eventSeq(state);
        long rootBefore = LogRecord.logged(rootLog(), 0);
        StateRecord.setEventSeq(state, total);
        LogRecord.setLogged(rootLog(), 0, total);
        try {
            showsOverwritten(total);
        } finally {
            // the other test starts from them
            StateRecord.setEventSeq(state, before);
            LogRecord.setLogged(rootLog(), 0, rootBefore);
        }
    }

    /** Root's kill log's head (log 0 of the `logs` map). */
    private static MemorySegment rootLog() {
        return TrackerMaps.of(tracker.state()).logs().mapShared(4096);
    }

    private static void showsOverwritten(long total) throws Exception {
        Cli.Result events = Cli.run(TestKernel.pinDir(EventLogTest.class), "", "events");
        assertEquals(0, events.status(), events.err());
        assertTrue(events.out().startsWith("(" + (total - slots) + " older events were overwritten"),
                events.out());
        Cli.Result json = Cli.run(TestKernel.pinDir(EventLogTest.class), "", "events", "--json");
        JsonNode log = JsonTree.parse(json.out());
        assertEquals(total - slots, log.get("overwritten").asLong(), json.out());
        assertEquals(total, log.get("total").asLong(), json.out());
        Cli.Result status = Cli.run(TestKernel.pinDir(EventLogTest.class), "", "status");
        assertTrue(status.out().contains("quota kills: " + total + " (" + (total - slots)
                + " overwritten in the log)"), status.out());
    }
}
