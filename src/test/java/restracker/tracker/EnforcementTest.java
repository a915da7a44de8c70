package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import restracker.testing.Loaded;
import restracker.testing.Workload;
import restracker.testing.Workload.WorkloadDied;

/** Quotas enforced in the kernel: the crossing operation never returns to user space. */
class EnforcementTest {
    private static final long MIB = 1 << 20;
    private static final int KILLED = 128 + 9;
    @Loaded(trackerHooks = TrackerHooks.TRACEPOINT)
    static ResourceTracker tracker;

    private static KillEvent lastEventOf(int pid) {
        List<KillEvent> events = tracker.events().events().stream().filter(e -> e.pid() == pid).toList();
        assertEquals(1, events.size(), "exactly one kill event for pid " + pid + ": " + events);
        return events.getFirst();
    }

    @Test
    void fourthOpenNeverReturns() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 3), false);
            for (int i = 0; i < 3; i++) w.open("/dev/null");
            WorkloadDied died = assertThrows(WorkloadDied.class, () -> w.open("/dev/null"));
            assertEquals(KILLED, died.exitStatus());
            KillEvent e = lastEventOf(w.pid());
            assertEquals(KillEvent.Reason.FILES, e.reason());
            assertEquals("openat", e.syscall());
            assertEquals(4, e.usage());
            assertEquals(3, e.limit());
            assertEquals(Scope.PROCESS, e.scope());
            assertEquals("workload", e.comm());
        }
    }

    @Test
    void heapQuotaIsStrictlyGreater() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(40 * MIB, Quota.UNLIMITED), false);
            w.mmap(20 * MIB);
            w.mmap(20 * MIB); // exactly at the quota: allowed
            assertEquals(40 * MIB, tracker.fetch(w.pid()).heapBytes());
            WorkloadDied died = assertThrows(WorkloadDied.class, () -> w.mmap(4096));
            assertEquals(KILLED, died.exitStatus());
            KillEvent e = lastEventOf(w.pid());
            assertEquals(KillEvent.Reason.HEAP, e.reason());
            assertEquals("mmap", e.syscall());
            assertEquals(40 * MIB + 4096, e.usage());
            assertEquals(40 * MIB, e.limit());
        }
    }

    @Test
    void brkGrowthIsEnforcedToo() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(8 * MIB, Quota.UNLIMITED), false);
            w.brk(8 * MIB);
            assertThrows(WorkloadDied.class, () -> w.brk(4096));
            assertEquals("brk", lastEventOf(w.pid()).syscall());
        }
    }

    @Test
    void capBelowUsageKillsAtOnce() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            w.mmap(30 * MIB);
            tracker.cap(w.pid(), new Quota(10 * MIB, Quota.UNLIMITED), false);
            assertEquals(KILLED, w.waitForExit());
            KillEvent e = lastEventOf(w.pid());
            assertEquals("cap", e.syscall());
            assertEquals(30 * MIB, e.usage());
        }
    }

    @Test
    void resetLiftsQuotas() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(MIB, 1), false);
            tracker.reset(w.pid());
            for (int i = 0; i < 3; i++) w.open("/dev/null");
            w.mmap(4 * MIB);
            assertTrue(w.alive());
            assertEquals(3, tracker.fetch(w.pid()).openFiles());
        }
    }

    /** The original patch's own example: heap 40 MiB, files 1; mmap 20 MiB passes, the second of two opens is killed. */
    @Test
    void theOriginalExample() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(40 * MIB, 1), false);
            w.mmap(20 * MIB);
            w.open("/dev/null");
            EntityStats s = tracker.fetch(w.pid());
            assertEquals(20 * MIB, s.heapBytes());
            assertEquals(1, s.openFiles());
            assertThrows(WorkloadDied.class, () -> w.open("/dev/null"));
            assertEquals(KillEvent.Reason.FILES, lastEventOf(w.pid()).reason());
        }
    }

    @Test
    void threadQuotaCountsOnlyThatThread() {
        try (Workload w = Workload.start()) {
            int t = w.thread();
            tracker.register(t);
            tracker.cap(t, new Quota(Quota.UNLIMITED, 1), false);
            w.open("/dev/null"); // the main thread: not the entity's
            w.open("/dev/null");
            w.on(t, "open /dev/null");
            assertTrue(w.alive());
            assertThrows(WorkloadDied.class, () -> w.on(t, "open /dev/null"));
            KillEvent e = lastEventOf(w.pid());
            assertEquals(Scope.THREAD, e.scope());
            assertEquals(t, e.tid());
            assertEquals(t, e.entity());
        }
    }

    @Test
    void killedProcessLeavesTheTables() {
        int pid;
        try (Workload w = Workload.start()) {
            pid = w.pid();
            tracker.register(pid);
            tracker.cap(pid, new Quota(Quota.UNLIMITED, 0), false);
            assertThrows(WorkloadDied.class, () -> w.open("/dev/null"));
        }
        assertFalse(TrackerMaps.of(tracker.state()).entities().intKeys().contains(pid));
        assertFalse(TrackerMaps.of(tracker.state()).quotas().intKeys().contains(pid));
    }
}
