package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import restracker.testing.Loaded;
import restracker.testing.Workload;
import restracker.testing.Workload.WorkloadDied;

/**
 * The ways around a quota that do not go through a hooked syscall of the tracked process itself:
 * another process sharing its memory or its fd table does the work while it sleeps, a stack
 * mapping, files opened by io_uring's SQPOLL thread. Each ends in the tracked process's SIGKILL,
 * logged with the quota crossed; the same program within its quota lives.
 */
class EnforcementAcrossSharingTest {
    private static final long MIB = 1 << 20;
    private static final int KILLED = 128 + 9;
    @Loaded(trackerHooks = TrackerHooks.TRACEPOINT)
    static ResourceTracker tracker;

    private static KillEvent onlyEventOf(int pid) {
        List<KillEvent> events = tracker.events().events().stream().filter(e -> e.pid() == pid).toList();
        assertEquals(1, events.size(), "exactly one kill event for pid " + pid + ": " + events);
        return events.getFirst();
    }

    private static Workload capped(long heapBytes, long files) {
        Workload w = Workload.start();
        tracker.register(w.pid());
        tracker.cap(w.pid(), new Quota(heapBytes, files), false);
        return w;
    }

    /** The child crosses at its mmap; the parent, asleep in waitpid, never makes a hooked call. */
    @Test
    void aChildInTheSameMemoryCrossingKillsTheTrackedProcess() {
        try (Workload w = capped(10 * MIB, Quota.UNLIMITED)) {
            w.sendNoReply("vmchild " + 64 * MIB);
            assertEquals(KILLED, w.waitForExit(), "the tracked process was SIGKILLed");
            KillEvent e = onlyEventOf(w.pid());
            assertEquals(KillEvent.Reason.HEAP, e.reason());
            assertEquals("mmap", e.syscall());
            assertNotEquals(w.pid(), e.tid(), "the crossing call was the child's, another process");
            assertEquals(10 * MIB, e.limit());
            assertTrue(e.usage() >= 64 * MIB, "usage " + e.usage() + " counts the child's 64 MiB");
        }
    }

    /**
     * The owner asleep in nanosleep, which the child's end does not interrupt. Where the kernel can
     * signal another task (signal_doomed loaded) it dies asleep, long before its ten minutes are
     * up; elsewhere it dies once it wakes and is switched out again, after it has said that the
     * child died of SIGKILL (if it gets that far).
     */
    @Test
    void aSleepingOwnerIsKilledAndTheChildToo() {
        boolean anyTask = tracker.state().links().contains(ResourceTracker.SIGNAL_ANY_TASK);
        try (Workload w = capped(10 * MIB, Quota.UNLIMITED)) {
            if (anyTask) {
                w.sendNoReply("vmchild " + 64 * MIB + " 600000");
            } else {
                try {
                    assertTrue(w.send("vmchild " + 64 * MIB + " 1000").endsWith(" signal 9"), "the child was SIGKILLed");
                } catch (WorkloadDied killedBeforeItAnswered) {
                    // switched out between its wake-up and its answer
                }
            }
            assertEquals(KILLED, w.waitForExit(), "the tracked process was SIGKILLed");
            KillEvent e = onlyEventOf(w.pid());
            assertEquals(KillEvent.Reason.HEAP, e.reason());
            assertNotEquals(w.pid(), e.tid());
        }
    }

    @Test
    void aChildInTheSameMemoryWithinTheQuotaLives() {
        try (Workload w = capped(10 * MIB, Quota.UNLIMITED)) {
            assertTrue(w.vmChild(4 * MIB).endsWith(" exit 0"));
            w.send("sleep_ms 50");
            assertTrue(w.alive());
            assertEquals(4 * MIB, tracker.fetch(w.pid()).heapBytes());
        }
    }

    @Test
    void aChildWithTheSameFdTableCrossingKillsTheTrackedProcess() {
        try (Workload w = capped(Quota.UNLIMITED, 5)) {
            w.sendNoReply("fileschild 100 /dev/null");
            assertEquals(KILLED, w.waitForExit(), "the tracked process was SIGKILLed");
            KillEvent e = onlyEventOf(w.pid());
            assertEquals(KillEvent.Reason.FILES, e.reason());
            assertEquals("openat", e.syscall());
            assertNotEquals(w.pid(), e.tid(), "the crossing call was the child's, another process");
            assertEquals(6, e.usage());
            assertEquals(5, e.limit());
        }
    }

    @Test
    void aChildWithTheSameFdTableWithinTheQuotaLives() {
        try (Workload w = capped(Quota.UNLIMITED, 5)) {
            assertTrue(w.filesChild(5, "/dev/null").endsWith(" exit 0"));
            w.send("sleep_ms 50");
            assertTrue(w.alive());
            assertEquals(5, tracker.fetch(w.pid()).openFiles());
        }
    }

    @Test
    void aStackMappingCrossingKillsAtItsMmap() {
        try (Workload w = capped(10 * MIB, Quota.UNLIMITED)) {
            WorkloadDied died = assertThrows(WorkloadDied.class, () -> w.growsdown(64 * MIB));
            assertEquals(KILLED, died.exitStatus());
            KillEvent e = onlyEventOf(w.pid());
            assertEquals(KillEvent.Reason.HEAP, e.reason());
            assertEquals("mmap", e.syscall());
            assertEquals(w.pid(), e.tid());
            assertEquals(64 * MIB, e.usage());
        }
    }

    @Test
    void aStackMappingWithinTheQuotaLives() {
        try (Workload w = capped(10 * MIB, Quota.UNLIMITED)) {
            w.growsdown(8 * MIB);
            assertTrue(w.alive());
            assertEquals(8 * MIB, tracker.fetch(w.pid()).heapBytes());
        }
    }

    /** The SQPOLL thread opens the files; the process polls completions without a syscall. */
    @Test
    void filesOpenedByTheSqpollThreadCrossingKillTheProcess() {
        try (Workload w = capped(Quota.UNLIMITED, 5)) {
            w.sendNoReply("sqpoll 200 /dev/null");
            assertEquals(KILLED, w.waitForExit(), "the tracked process was SIGKILLed");
            KillEvent e = onlyEventOf(w.pid());
            assertEquals(KillEvent.Reason.FILES, e.reason());
            assertEquals("an io_uring completion", e.syscall());
            assertEquals(6, e.usage(), "the ring and the first five files are within the quota");
            assertEquals(5, e.limit());
        }
    }

    @Test
    void filesOpenedByTheSqpollThreadWithinTheQuotaLive() {
        try (Workload w = capped(Quota.UNLIMITED, 5)) {
            assertEquals(4, w.sqpoll(4, "/dev/null"));
            w.send("sleep_ms 50");
            assertTrue(w.alive());
            assertEquals(5, tracker.fetch(w.pid()).openFiles(), "the ring and four files");
        }
    }
}
