package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import restracker.bpf.BpfMap;
import restracker.kernel.EntityRecord;
import restracker.kernel.QuotaRecord;
import restracker.kernel.Records;
import restracker.kernel.StateRecord;
import restracker.proc.ProcFs;
import restracker.testing.Loaded;
import restracker.testing.Workload;

/**
 * An entry left by an earlier process must never apply to a new process that got the same pid.
 * The entry is planted as a dead process would have left it (another start time, a zero file
 * quota that would kill); the kernel must drop it at the new process's first counted call.
 */
class PidReuseTest {
    @Loaded(trackerHooks = TrackerHooks.TRACEPOINT)
    static ResourceTracker tracker;

    @Test
    void aStaleEntryIsDroppedNotEnforced() {
        try (Workload w = Workload.start(); Arena arena = Arena.ofConfined()) {
            int pid = w.pid();
            long startTicks = ProcFs.task(pid).orElseThrow().startTicks();
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, pid);
            MemorySegment e = EntityRecord.allocate(arena);
            EntityRecord.setId(e, pid);
            EntityRecord.setTgid(e, pid);
            EntityRecord.setScope(e, Records.SCOPE_PROCESS);
            EntityRecord.setStartTicks(e, startTicks - 1);
            MemorySegment q = QuotaRecord.allocate(arena);
            QuotaRecord.setHeap(q, 0);
            QuotaRecord.setFiles(q, 0);
            assertEquals(0, TrackerMaps.of(tracker.state()).entities().update(key, e, BpfMap.NOEXIST));
            assertEquals(0, TrackerMaps.of(tracker.state()).quotas().update(key, q, BpfMap.NOEXIST));
            assertEquals(0, TrackerMaps.of(tracker.state()).groups().update(key, arena.allocate(ValueLayout.JAVA_INT), BpfMap.NOEXIST));
            assertThrows(TrackerException.class, () -> tracker.fetch(pid), "fetch does not show a stale entry");

            w.open("/dev/null");
            w.mmap(1 << 20);
            assertTrue(w.alive(), "the new process is not bound by the old one's quotas");
            assertFalse(TrackerMaps.of(tracker.state()).entities().intKeys().contains(pid), "the kernel dropped the entry");
            assertFalse(TrackerMaps.of(tracker.state()).quotas().intKeys().contains(pid));
            MemorySegment state = TrackerMaps.of(tracker.state()).state().mapShared(4096);
            assertEquals(1, StateRecord.staleEntries(state));

            assertEquals(Scope.PROCESS, tracker.register(pid), "and it can be registered afresh");
        }
    }

    /** An entry whose exit the kernel missed must not make the new process "already monitored". */
    @Test
    void registeringANewProcessReplacesAStaleEntry() {
        try (Workload w = Workload.start(); Arena arena = Arena.ofConfined()) {
            int pid = w.pid();
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, pid);
            MemorySegment e = EntityRecord.allocate(arena);
            EntityRecord.setId(e, pid);
            EntityRecord.setTgid(e, pid);
            EntityRecord.setScope(e, Records.SCOPE_PROCESS);
            EntityRecord.setStartTicks(e, ProcFs.task(pid).orElseThrow().startTicks() - 1);
            assertEquals(0, TrackerMaps.of(tracker.state()).entities().update(key, e, BpfMap.NOEXIST));
            assertEquals(Scope.PROCESS, tracker.register(pid));
            assertEquals(0, tracker.fetch(pid).openFiles());
            w.open("/dev/null");
            assertEquals(1, tracker.fetch(pid).openFiles(), "the new entry counts");
            tracker.deregister(pid);
        }
    }
}
