package restracker.proc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import restracker.proc.ProcFs;
import restracker.testing.Child;
import restracker.testing.TempTrees;
import restracker.testing.Workload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one reader of /proc/PID/stat, on real processes: a live one, a kernel thread, one gone. */
class ProcFsTest {
    /** A name with the characters that end the name field early to a naive parser. */
    private static final String NAME = "a) b (c) d";

    @Test
    void readsALiveProcessWhoseNameHasParenthesesAndSpaces() throws Exception {
        Path dir = Files.createTempDirectory("restracker-procfs-");
        try {
            Path sleep = Files.createSymbolicLink(dir.resolve(NAME), Path.of("/bin/sleep"));
            try (Child c = Child.start(new ProcessBuilder(sleep.toString(), "30"), "sleep")) {
                int pid = (int) c.pid();
                // The kernel names a process after the file it executed; it starts sleeping at once.
                ProcFs.Stat s = waitForSleep(pid);
                assertEquals(NAME, s.comm());
                assertFalse(s.kernelThread());
                assertFalse(s.exiting());
                assertFalse(ProcFs.exiting(pid));
                ProcFs.Task t = ProcFs.task(pid).orElseThrow();
                assertEquals(pid, t.tgid());
                assertEquals(NAME, t.comm());
                assertEquals(s.startTicks(), t.startTicks());
                assertEquals(Files.getAttribute(Path.of("/proc", Integer.toString(pid)), "unix:uid"), t.creds().uid());
                long jvm = ProcFs.stat((int) ProcessHandle.current().pid()).orElseThrow().startTicks();
                assertTrue(jvm <= s.startTicks(), "this JVM started before its child");
            }
        } finally {
            TempTrees.delete(dir);
        }
    }

    /** kthreadd is pid 2 in the initial pid namespace, and a kernel thread. */
    @Test
    void tellsAKernelThread() {
        ProcFs.Stat s = ProcFs.stat(2).orElseThrow();
        assertEquals("kthreadd", s.comm());
        assertTrue(s.kernelThread());
    }

    /** A process that exited and was reaped is no error: an empty answer, and "exiting". */
    @Test
    void aVanishedProcessIsAnEmptyAnswer() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "true exits");
        int pid = (int) p.pid();
        assertFalse(Files.exists(Path.of("/proc", Integer.toString(pid))), "reaped");
        assertTrue(ProcFs.stat(pid).isEmpty());
        assertTrue(ProcFs.task(pid).isEmpty());
        assertTrue(ProcFs.exiting(pid));
        assertEquals(-1, ProcFs.openFds(pid));
        assertTrue(ProcFs.stat(0).isEmpty());
        assertTrue(ProcFs.stat(-1).isEmpty());
    }

    /**
     * A process's threads and descriptors as /proc lists them (the directories' entries), one
     * thread and several: the threads read without a listing where stat says one, and the
     * descriptors from the size of /proc/PID/fd where the kernel gives it.
     */
    @Test
    void countsThreadsAndDescriptorsAsTheDirectoriesListThem() {
        try (Workload w = Workload.start()) {
            assertEquals(List.of(w.pid()), ProcFs.threads(w.pid()));
            assertEquals(w.openFds(), ProcFs.openFds(w.pid()));
            w.open("/dev/null");
            w.open("/dev/null");
            int t = w.thread();
            assertEquals(w.tids(), ProcFs.threads(w.pid()).stream().sorted().toList());
            assertTrue(ProcFs.threads(w.pid()).contains(t));
            assertEquals(w.openFds(), ProcFs.openFds(w.pid()));
            w.exitThread(t);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!w.tids().equals(List.of(w.pid()))) {
                if (System.nanoTime() > deadline) throw new AssertionError("thread " + t + " never went: " + w.tids());
                Thread.onSpinWait();
            }
            assertEquals(List.of(w.pid()), ProcFs.threads(w.pid()));
        }
    }

    private static ProcFs.Stat waitForSleep(int pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (;;) {
            ProcFs.Stat s = ProcFs.stat(pid).orElseThrow();
            if (s.comm().equals(NAME) && s.state() == 'S') return s;
            if (System.nanoTime() > deadline) throw new AssertionError("pid " + pid + " never slept as " + NAME + ": " + s);
            Thread.sleep(10);
        }
    }
}
