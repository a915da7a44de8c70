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

    /**
     * A thread's stat read under its process (/proc/TGID/task/TID/stat): its own name and start
     * time, as that directory and its comm file say, for every thread of this JVM (whose threads
     * have names of their own); a tid of another process, or the process itself, what stat(tid)
     * says; a reaped task, nothing.
     */
    @Test
    void readsAThreadUnderItsProcess() throws Exception {
        int jvm = (int) ProcessHandle.current().pid();
        Path tasks = Path.of("/proc", Integer.toString(jvm), "task");
        List<Path> threads;
        try (var s = Files.list(tasks)) {
            threads = s.toList();
        }
        int checked = 0, named = 0;
        String processName = Files.readString(Path.of("/proc", Integer.toString(jvm), "comm")).strip();
        for (Path dir : threads) {
            int tid = Integer.parseInt(dir.getFileName().toString());
            String comm, stat;
            try {
                comm = Files.readString(dir.resolve("comm"));
                stat = Files.readString(dir.resolve("stat"));
            } catch (java.io.IOException gone) {
                continue; // a thread that ended meanwhile
            }
            comm = comm.substring(0, comm.length() - 1); // the name, then a newline
            // After the name's closing parenthesis: state (field 3) first, start time field 22.
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            java.util.Optional<ProcFs.Stat> s = ProcFs.stat(jvm, tid);
            if (s.isEmpty() && !Files.exists(dir)) continue;
            assertEquals(comm, s.orElseThrow().comm(), "the name of thread " + tid);
            assertEquals(Long.parseLong(after[22 - 3]), s.get().startTicks(), "the start time of thread " + tid);
            assertFalse(s.get().kernelThread());
            checked++;
            if (!comm.equals(processName)) named++;
        }
        assertTrue(checked > 1 && named > 0, checked + " threads checked, " + named + " named apart from the process");
        try (Workload w = Workload.start()) {
            int t = w.thread();
            assertEquals(ProcFs.stat(t), ProcFs.stat(jvm, t), "no thread of this JVM: what stat(tid) says");
            assertEquals(ProcFs.stat(w.pid()), ProcFs.stat(w.pid(), w.pid()), "the leader");
            assertEquals(ProcFs.stat(t).orElseThrow().startTicks(), ProcFs.stat(w.pid(), t).orElseThrow().startTicks());
            w.exitThread(t);
            assertTrue(ProcFs.stat(w.pid(), t).isEmpty(), "a thread that was joined");
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

    /**
     * A task's own stat file held open (a thread's by its tid too) reads what a fresh open reads
     * while its task lives, and nothing once the task is reaped, though the file stays open.
     */
    @Test
    void aStatFileHeldOpenReadsItsTaskUntilItIsReaped() throws Exception {
        try (Workload w = Workload.start()) {
            int tid = w.thread();
            try (ProcFs.StatFile process = ProcFs.StatFile.openOwn(w.pid()); ProcFs.StatFile thread = ProcFs.StatFile.openOwn(tid)) {
                assertTrue(process.opened() && thread.opened());
                assertEquals(ProcFs.stat(w.pid()), process.read());
                assertEquals(ProcFs.stat(w.pid(), tid), thread.read());
                w.exitThread(tid);
                Path gone = Path.of("/proc/" + w.pid() + "/task/" + tid);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (Files.exists(gone) && System.nanoTime() < deadline) Thread.sleep(1);
                assertFalse(Files.exists(gone), "the thread exited and was reaped");
                assertTrue(thread.read().isEmpty(), "a reaped thread reads as nothing");
                assertEquals(ProcFs.stat(w.pid()), process.read(), "its process lives on");
            }
        }
        Process p = new ProcessBuilder("sleep", "30").start();
        try (ProcFs.StatFile f = ProcFs.StatFile.openOwn((int) p.pid())) {
            assertTrue(f.read().isPresent());
            p.destroyForcibly();
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "sleep is killed and reaped");
            assertTrue(f.read().isEmpty(), "a reaped process reads as nothing");
        }
        assertFalse(ProcFs.StatFile.openOwn(0).opened());
    }
}
