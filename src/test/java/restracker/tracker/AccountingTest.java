package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import restracker.testing.Loaded;
import restracker.testing.Workload;

/**
 * heapsize and openfile_count against the kernel's own figures (VmData + VmStk, /proc/PID/fd) on a
 * real process driven step by step: after every step the tracker's value equals the delta since
 * registration, frees and closes included, whichever task of it or sharing its memory or fd table
 * made the change.
 */
class AccountingTest {
    private static final long MIB = 1 << 20;
    @Loaded(trackerHooks = TrackerHooks.TRACEPOINT)
    static ResourceTracker tracker;

    /** Registers w and returns a checker of both figures against /proc, deltas from now on. */
    private static Runnable registerAndCheck(Workload w) {
        long heap0 = w.heapFigureBytes();
        int fds0 = w.openFds();
        tracker.register(w.pid());
        return () -> {
            EntityStats s = tracker.fetch(w.pid());
            assertEquals(Math.max(0, w.heapFigureBytes() - heap0), s.heapBytes(), "heapsize = VmData + VmStk delta");
            assertEquals(Math.max(0, w.openFds() - fds0), s.openFiles(), "openfile_count = /proc/PID/fd delta");
            assertEquals(w.vmDataBytes(), s.vmDataBytes(), "absolute VmData");
            assertEquals(w.statusBytes("VmStk"), s.stackVmBytes(), "absolute VmStk");
            assertEquals(w.openFds(), s.openFds(), "absolute open fds");
        };
    }

    /**
     * A resident-page figure grew by bytes: exactly on Linux 6.2 and later; before, each thread keeps
     * the counts of its own page faults and folds them into the mm's (split RSS counters) at the
     * fault after its 65th (mm/memory.c: {@code events++ > TASK_RSS_EVENTS_THRESH}, 64), so up to
     * 65 pages are held back at either reading (seen on Debian's 6.1: exactly 65).
     */
    private static void assertGrewBy(long bytes, long before, long now, String what) {
        long heldBack = 65 * 4096;
        assertTrue(Math.abs(now - before - bytes) <= heldBack,
                what + ": RssShmem grew by " + (now - before) + " bytes, expected " + bytes);
    }

    @Test
    void aProcessSharingTheMemoryCountsForIt() {
        try (Workload w = Workload.start()) {
            Runnable check = registerAndCheck(w);
            long vmData0 = w.vmDataBytes();
            assertEquals("exit 0", w.vmChild(3 * MIB).replaceFirst("^\\d+ ", ""));
            assertEquals(vmData0 + 3 * MIB, w.vmDataBytes(), "the child's mapping is in this process's VmData");
            check.run();
        }
    }

    /** exec gives the process a new mm: that one is the one another process must share to count. */
    @Test
    void afterExecTheNewMemoryIsTheOneThatCounts() {
        try (Workload w = Workload.start()) {
            Runnable check = registerAndCheck(w);
            w.sendNoReply("exec " + Workload.binary());
            w.send("pid"); // the new image answers
            check.run();
            assertEquals("exit 0", w.vmChild(64 * MIB).replaceFirst("^\\d+ ", ""));
            check.run();
            assertTrue(tracker.fetch(w.pid()).heapBytes() > 0, "the child's 64 MiB in the new image's memory");
        }
    }

    @Test
    void aProcessSharingTheFdTableCountsForIt() {
        try (Workload w = Workload.start()) {
            Runnable check = registerAndCheck(w);
            int fds0 = w.openFds();
            assertEquals("exit 0", w.filesChild(7, "/dev/null").replaceFirst("^\\d+ ", ""));
            assertEquals(fds0 + 7, w.openFds(), "the child's descriptors are in this process's table");
            check.run();
        }
    }

    @Test
    void stackMappingsCount() {
        try (Workload w = Workload.start()) {
            Runnable check = registerAndCheck(w);
            long stack0 = w.statusBytes("VmStk");
            long m = w.growsdown(5 * MIB);
            assertEquals(stack0 + 5 * MIB, w.statusBytes("VmStk"), "a MAP_GROWSDOWN mapping is stack");
            check.run();
            assertEquals(5 * MIB, tracker.fetch(w.pid()).heapBytes());
            w.munmap(m, 5 * MIB);
            check.run();
        }
    }

    @Test
    void filesOpenedByTheSqpollThreadCount() {
        try (Workload w = Workload.start()) {
            Runnable check = registerAndCheck(w);
            int fds0 = w.openFds();
            assertEquals(9, w.sqpoll(9, "/dev/null"));
            assertEquals(fds0 + 10, w.openFds(), "the ring and the nine files");
            check.run();
        }
    }

    @Test
    void sharedMemoryIsShownBesideAndNotCounted() {
        try (Workload w = Workload.start()) {
            Runnable check = registerAndCheck(w);
            long shmem0 = w.statusBytes("RssShmem");
            w.shm(4 * MIB);
            assertGrewBy(4 * MIB, shmem0, w.statusBytes("RssShmem"), "a touched SysV segment");
            long m = w.mmapShared(2 * MIB);
            w.touch(m, 2 * MIB);
            assertGrewBy(6 * MIB, shmem0, w.statusBytes("RssShmem"), "and a touched MAP_SHARED|MAP_ANONYMOUS mapping");
            check.run();
            assertEquals(0, tracker.fetch(w.pid()).heapBytes());
        }
    }

    @Test
    void heapFollowsVmData() {
        try (Workload w = Workload.start()) {
            Runnable check = registerAndCheck(w);
            check.run();
            w.brk(4 * MIB);
            check.run();
            long m = w.mmap(20 * MIB);
            check.run();
            assertEquals(24 * MIB, tracker.fetch(w.pid()).heapBytes());
            long big = w.malloc(8 * MIB); // served by mmap
            check.run();
            long small = w.malloc(512); // served from the existing heap: no change anywhere
            check.run();
            w.free(small);
            w.free(big);
            check.run();
            w.munmap(m, 20 * MIB);
            check.run();
            w.brk(-4 * MIB);
            check.run();
            assertEquals(0, tracker.fetch(w.pid()).heapBytes());
        }
    }

    @Test
    void heapCountsProtectionChangesAndNotSharedMappings() {
        try (Workload w = Workload.start()) {
            Runnable check = registerAndCheck(w);
            long shared = w.mmapShared(8 * MIB); // shared mappings are not data
            check.run();
            assertEquals(0, tracker.fetch(w.pid()).heapBytes());
            long m = w.mmap(6 * MIB);
            w.mprotect(m, 6 * MIB, "r"); // read-only private mappings are not data either
            check.run();
            w.mprotect(m, 6 * MIB, "rw");
            check.run();
            assertEquals(6 * MIB, tracker.fetch(w.pid()).heapBytes());
            w.munmap(shared, 8 * MIB);
            w.munmap(m, 6 * MIB);
            check.run();
        }
    }

    @Test
    void heapNeverBelowZero() {
        try (Workload w = Workload.start()) {
            long m = w.mmap(10 * MIB); // before registration
            Runnable check = registerAndCheck(w);
            w.munmap(m, 10 * MIB);
            check.run();
            assertEquals(0, tracker.fetch(w.pid()).heapBytes());
        }
    }

    @Test
    void everyKindOfDescriptorCounts() {
        try (Workload w = Workload.start()) {
            Runnable check = registerAndCheck(w);
            int f = w.open("/dev/null");
            check.run();
            int d = w.dup(f);
            check.run();
            int s = w.socket();
            check.run();
            int[] p = w.pipe();
            check.run();
            w.send("socketpair");
            w.send("eventfd");
            w.send("memfd");
            w.send("epoll");
            w.send("fcntl_dupfd " + f + " 100");
            check.run();
            assertEquals(11, tracker.fetch(w.pid()).openFiles());
            w.send("dup2 " + f + " " + d); // over an open fd: no change
            check.run();
            w.close(s);
            w.close(p[0]);
            check.run();
            w.closeRange(3, -1);
            check.run();
            assertEquals(0, tracker.fetch(w.pid()).openFiles());
        }
    }

    /**
     * The descriptor count is exact whatever the size of the descriptor table: the kernel grows it
     * in powers of two (FDSize in /proc/PID/status) as higher descriptors are taken, and the recount
     * reads a table of up to 512 descriptors at once, a larger one a word at a time.
     */
    @Test
    void filesExactAtEveryTableSize() {
        try (Workload w = Workload.start()) {
            Runnable check = registerAndCheck(w);
            int f = w.open("/dev/null");
            check.run();
            long firstTable = w.statusNumber("FDSize");
            for (int fd : new int[] {63, 64, 127, 128, 255, 256, 511, 512, 1023, 1024, 2047, 4095}) {
                w.send("dup2 " + f + " " + fd);
                check.run();
            }
            assertTrue(firstTable <= 512, "the table started at " + firstTable + " descriptors");
            assertEquals(4096, w.statusNumber("FDSize"), "the table grew to 4096 descriptors");
            assertEquals(13, tracker.fetch(w.pid()).openFiles());
            w.closeRange(f, 1000);
            check.run();
            assertEquals(4, tracker.fetch(w.pid()).openFiles());
            w.closeRange(f, -1);
            check.run();
            assertEquals(0, tracker.fetch(w.pid()).openFiles());
        }
    }

    @Test
    void filesNeverBelowZero() {
        try (Workload w = Workload.start()) {
            int f = w.open("/dev/null"); // before registration
            Runnable check = registerAndCheck(w);
            w.close(f);
            check.run();
            assertEquals(0, tracker.fetch(w.pid()).openFiles());
        }
    }

    @Test
    void threadScopeCountsOnlyThatThread() {
        try (Workload w = Workload.start()) {
            int t1 = w.thread();
            int t2 = w.thread();
            Runnable processCheck = registerAndCheck(w);
            assertEquals(Scope.THREAD, tracker.register(t1));
            w.on(t1, "open /dev/null");
            w.on(t1, "open /dev/null");
            w.on(t1, "mmap " + 4 * MIB);
            w.on(t2, "open /dev/null");
            w.on(t2, "mmap " + 2 * MIB);
            w.open("/dev/null");
            EntityStats thread = tracker.fetch(t1);
            assertEquals(Scope.THREAD, thread.scope());
            assertEquals(w.pid(), thread.tgid());
            assertEquals(2, thread.openFiles(), "the thread's own opens only");
            assertEquals(4 * MIB, thread.heapBytes(), "the thread's own mappings only");
            processCheck.run();
            assertEquals(4, tracker.fetch(w.pid()).openFiles(), "the process counts all threads");
            assertEquals(6 * MIB, tracker.fetch(w.pid()).heapBytes());
        }
    }

    @Test
    void exitDeregisters() {
        int pid, tid;
        try (Workload w = Workload.start()) {
            pid = w.pid();
            tid = w.thread();
            int other = w.thread();
            tracker.register(pid);
            tracker.register(tid);
            tracker.register(other);
            w.exitThread(other);
            assertThrows(TrackerException.class, () -> tracker.fetch(other), "a thread that exits leaves");
            assertEquals(pid, tracker.fetch(pid).pid(), "the process stays while it lives");
            w.process().destroyForcibly();
            w.waitForExit();
        }
        assertThrows(TrackerException.class, () -> tracker.fetch(pid));
        assertThrows(TrackerException.class, () -> tracker.fetch(tid));
        assertFalse(TrackerMaps.of(tracker.state()).entities().intKeys().contains(pid), "no entry is left in the kernel");
        assertFalse(TrackerMaps.of(tracker.state()).entities().intKeys().contains(tid));
        assertFalse(TrackerMaps.of(tracker.state()).groups().intKeys().contains(pid));
    }

    @Test
    void deregisterStopsCounting() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            w.open("/dev/null");
            tracker.deregister(w.pid());
            assertFalse(TrackerMaps.of(tracker.state()).groups().intKeys().contains(w.pid()), "the group marker goes too");
            tracker.register(w.pid());
            assertEquals(0, tracker.fetch(w.pid()).openFiles(), "a new registration counts from zero");
        }
    }

    @Test
    void aThreadEntityKeepsItsGroupWhenItsProcessIsDeregistered() {
        try (Workload w = Workload.start()) {
            int tid = w.thread();
            tracker.register(w.pid());
            tracker.register(tid);
            tracker.deregister(w.pid());
            assertTrue(TrackerMaps.of(tracker.state()).groups().intKeys().contains(w.pid()),
                    "a thread entity of the process is still tracked: its group marker stays");
            w.on(tid, "open /dev/null");
            assertEquals(1, tracker.fetch(tid).openFiles(), "the thread is still counted");
            tracker.deregister(tid);
            assertFalse(TrackerMaps.of(tracker.state()).groups().intKeys().contains(w.pid()),
                    "the group's last entity takes the marker with it");
        }
    }
}
