package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import restracker.bpf.Errno;
import restracker.testing.Child;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/** Every row of the error table of DESIGN.md §3, on real processes. */
class ErrorTableTest {
    private static ResourceTracker tracker;

    @BeforeAll
    static void load() {
        tracker = TestKernel.tracker(ErrorTableTest.class);
    }

    @AfterAll
    static void unload() {
        TestKernel.unload(ErrorTableTest.class, tracker);
    }

    private static void assertErrno(Errno expected, Executable op) {
        TrackerException e = assertThrows(TrackerException.class, op);
        assertEquals(expected, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains("pid "), "the message names the pid: " + e.getMessage());
    }

    /** A pid no process has: beyond pid_max. */
    private static final int NO_SUCH_PID = 4_194_304 + 1;

    @Test
    void register() throws Exception {
        assertErrno(Errno.EINVAL, () -> tracker.register(0));
        assertErrno(Errno.EINVAL, () -> tracker.register(-5));
        assertErrno(Errno.ESRCH, () -> tracker.register(NO_SUCH_PID));
        try (Workload w = Workload.start()) {
            assertEquals(Scope.PROCESS, tracker.register(w.pid()));
            assertErrno(Errno.ALREADY, () -> tracker.register(w.pid()));
            int tid = w.thread();
            assertEquals(Scope.THREAD, tracker.register(tid));
            assertErrno(Errno.ALREADY, () -> tracker.register(tid));
        }
    }

    @Test
    void registerZombie() throws Exception {
        // The JVM reaps its own children at once, so the zombie is a child of sleep, which never waits.
        // The child outlives the shell's exec: a shell may reap a job that ends before it execs.
        try (Child parent = Child.start(new ProcessBuilder("sh", "-c", "sleep 0.3 & echo $!; exec sleep 30"), "sh")) {
            int pid = Integer.parseInt(parent.nextLine(java.time.Duration.ofSeconds(30)).strip());
            for (int i = 0; i < 500 && !ProcFs.task(pid).map(ProcFs.Task::isZombie).orElse(false); i++) {
                Thread.sleep(10);
            }
            assertTrue(ProcFs.task(pid).orElseThrow().isZombie(), "the child is a zombie");
            assertErrno(Errno.ESRCH, () -> tracker.register(pid));
        }
    }

    @Test
    void fetch() {
        assertErrno(Errno.EINVAL, () -> tracker.fetch(0));
        assertErrno(Errno.EINVAL, () -> tracker.fetch(NO_SUCH_PID));
        try (Workload w = Workload.start()) {
            assertErrno(Errno.EINVAL, () -> tracker.fetch(w.pid()));
            tracker.register(w.pid());
            assertEquals(w.pid(), tracker.fetch(w.pid()).pid());
        }
    }

    @Test
    void deregister() {
        assertErrno(Errno.EINVAL, () -> tracker.deregister(0));
        try (Workload w = Workload.start()) {
            assertErrno(Errno.ESRCH, () -> tracker.deregister(w.pid()));
            tracker.register(w.pid());
            tracker.deregister(w.pid());
            assertErrno(Errno.ESRCH, () -> tracker.deregister(w.pid()));
            assertErrno(Errno.EINVAL, () -> tracker.fetch(w.pid()));
        }
    }

    @Test
    void cap() {
        Quota q = new Quota(40L << 20, 10);
        assertErrno(Errno.ESRCH, () -> tracker.cap(NO_SUCH_PID, q, false));
        try (Workload w = Workload.start()) {
            assertErrno(Errno.EINVAL, () -> tracker.cap(w.pid(), q, false));
            tracker.register(w.pid());
            tracker.cap(w.pid(), q, false);
            assertErrno(Errno.ALREADY, () -> tracker.cap(w.pid(), q, false));
            tracker.cap(w.pid(), new Quota(50L << 20, 5), true);
            assertEquals(new Quota(50L << 20, 5), tracker.fetch(w.pid()).quota());
        }
    }

    @Test
    void reset() {
        assertErrno(Errno.ESRCH, () -> tracker.reset(NO_SUCH_PID));
        try (Workload w = Workload.start()) {
            assertErrno(Errno.EINVAL, () -> tracker.reset(w.pid()));
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(1L << 30, 100), false);
            tracker.reset(w.pid());
            assertEquals(Quota.NONE, tracker.fetch(w.pid()).quota());
            tracker.cap(w.pid(), new Quota(1L << 30, 100), false); // quotas may be set again after a reset
        }
    }

    @Test
    void capRefusesInitAndKernelThreads() {
        tracker.register(1);
        try {
            assertErrno(Errno.EPERM, () -> tracker.cap(1, new Quota(0, 0), false));
        } finally {
            tracker.deregister(1);
        }
        int kthreadd = 2;
        tracker.register(kthreadd);
        try {
            assertErrno(Errno.EPERM, () -> tracker.cap(kthreadd, new Quota(0, 0), false));
        } finally {
            tracker.deregister(kthreadd);
        }
    }
}
