package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import restracker.bpf.BpfMap;
import restracker.kernel.Records;
import restracker.kernel.TrackerStructs;
import restracker.sys.Errno;
import restracker.testing.Loaded;
import restracker.testing.Workload;

/**
 * 65,536 entities fit and one more is ENOSPC. The table is filled with placeholder entries under
 * ids above pid_max (no task can ever have them), then a real process asks for the next slot.
 */
class CapacityTest {
    private static final int FIRST_FAKE_ID = 1 << 23; // pid_max is at most 2^22
    @Loaded
    private static ResourceTracker tracker;

    @Test
    void theTableHoldsTheMaximumAndRefusesOneMore() {
        try (Workload w = Workload.start(); Arena arena = Arena.ofConfined()) {
            tracker.register(w.pid());
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment entity = TrackerStructs.RT_ENTITY.allocate(arena);
            BpfMap entities = TrackerMaps.of(tracker.state()).entities();
            for (int i = 1; i < Records.MAX_ENTITIES; i++) {
                key.set(ValueLayout.JAVA_INT, 0, FIRST_FAKE_ID + i);
                assertEquals(0, entities.update(key, entity, BpfMap.NOEXIST), "entity " + (i + 1) + " fits");
            }
            assertEquals(Records.MAX_ENTITIES, entities.intKeys().size());
            int tid = w.thread();
            TrackerException e = assertThrows(TrackerException.class, () -> tracker.register(tid));
            assertEquals(Errno.ENOSPC, e.errno());
            assertEquals("cannot track pid " + tid + ": restracker already tracks 65536 entities, its maximum",
                    e.getMessage());
            assertEquals(w.pid(), tracker.fetch(w.pid()).pid(), "what was tracked stays tracked");
            for (int i = 1; i < Records.MAX_ENTITIES; i++) {
                key.set(ValueLayout.JAVA_INT, 0, FIRST_FAKE_ID + i);
                entities.delete(key);
            }
            assertEquals(Scope.THREAD, tracker.register(tid), "a freed slot can be used again");
        }
    }
}
