package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import restracker.proc.ProcFs;
import restracker.sys.Errno;
import restracker.testing.Child;
import restracker.testing.Loaded;
import restracker.testing.Workload;

/** Every row of the README's table of errors, on real processes. */
class ErrorTableTest {
    @Loaded
    private static ResourceTracker tracker;

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

    /**
     * Init (pid 1 of the initial pid namespace: no parent, not a kernel thread, whatever its name)
     * and a kernel thread (found in /proc by its PF_KTHREAD flag) cannot be capped. The quota asked
     * for is generous, so that a wrong acceptance would kill nothing.
     */
    @Test
    void capRefusesInitAndKernelThreads() throws Exception {
        assertEquals("pid:[" + INITIAL_PID_NAMESPACE + "]", Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(),
                "the tests run in the initial pid namespace, where pid 1 is the system's init");
        String[] init = statFields(1);
        assertEquals("0", init[PPID], "pid 1 has no parent: it is init (" + String.join(" ", init) + ")");
        assertEquals(0, Long.parseLong(init[FLAGS]) & PF_KTHREAD, "init is not a kernel thread");
        Quota generous = new Quota(Quota.UNLIMITED, 1_000_000);
        tracker.register(1);
        try {
            assertErrno(Errno.EPERM, () -> tracker.cap(1, generous, false));
        } finally {
            tracker.deregister(1);
        }
        int kthread = aKernelThread();
        tracker.register(kthread);
        try {
            assertErrno(Errno.EPERM, () -> tracker.cap(kthread, generous, false));
        } finally {
            tracker.deregister(kthread);
        }
    }

    private static final long INITIAL_PID_NAMESPACE = 0xEFFFFFFCL; // PROC_PID_INIT_INO
    private static final long PF_KTHREAD = 0x00200000;
    /** Indexes of /proc/PID/stat's fields 4 (ppid) and 9 (flags) after the comm. */
    private static final int PPID = 1, FLAGS = 6;

    /** The fields of /proc/PID/stat after "(comm) ": state first. */
    private static String[] statFields(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
    }

    /**
     * The lowest pid above 2 whose /proc stat flags say PF_KTHREAD, not a kworker (workers come and
     * go; the per-CPU threads and rcu's stay): not assumed to be kthreadd.
     */
    private static int aKernelThread() throws IOException {
        int found = Integer.MAX_VALUE;
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                int pid = Integer.parseInt(p.getFileName().toString());
                try {
                    boolean kthread = (Long.parseLong(statFields(pid)[FLAGS]) & PF_KTHREAD) != 0;
                    String comm = Files.readString(p.resolve("comm"));
                    if (kthread && pid > 2 && pid < found && !comm.startsWith("kworker")) found = pid;
                } catch (NoSuchFileException gone) {
                    // exited meanwhile
                }
            }
        }
        assertTrue(found < Integer.MAX_VALUE, "a kernel thread in /proc");
        return found;
    }
}
