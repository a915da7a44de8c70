package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import restracker.testing.Loaded;
import restracker.testing.Workload;

/**
 * The tracer's counts against independent counts of the same kernel events over the same window,
 * on real processes: kmalloc, kfree and their bytes against a tracefs instance recording
 * kmem:kmalloc and kmem:kfree; sched against the context switches /proc reports.
 */
class KernelTracerTest {
    @Loaded
    private static KernelTracer tracer;

    @AfterEach
    void nothingLeftTraced() {
        for (TracedProcess p : tracer.snapshot().processes()) tracer.remove(p.pid());
    }

    private static TracedProcess counts(int pid) {
        return tracer.snapshot().process(pid).orElseThrow(() -> new AssertionError("pid " + pid + " is traced"));
    }

    @Test
    void countsEqualTheKernelsOwnEventsOverTheSameWindow() {
        Path links = tracer.state().dir().resolve("links");
        try (Workload w = Workload.start()) {
            int worker = w.thread();
            w.readFile(5, "/proc/self/stat"); // warm up: first-touch work stays outside the window
            Quiet.await(w);
            long kmallocMissed = RecursionMisses.of(links.resolve("kmalloc")); // read outside the window: bpftool
            long kfreeMissed = RecursionMisses.of(links.resolve("kfree"));     // frees a lot, everywhere
            try (TraceFsReference ref = TraceFsReference.start(w.tids())) {
                long switches = w.contextSwitches();
                tracer.add(w.pid());
                w.readFile(200, "/proc/self/stat");
                w.on(worker, "readfile 100 /proc/self/status"); // another thread: the same process
                w.pipes(50);
                w.send("sleep_ms 5");
                Quiet.await(w);
                TracedProcess p = counts(w.pid());
                long switched = w.contextSwitches() - switches;
                TraceFsReference.Counts expected = ref.stop();
                kmallocMissed = RecursionMisses.of(links.resolve("kmalloc")) - kmallocMissed;
                kfreeMissed = RecursionMisses.of(links.resolve("kfree")) - kfreeMissed;

                assertTrue(expected.kmalloc() >= 3 * 300, "the workload made the kernel kmalloc: " + expected);
                assertCounted("kmalloc", expected.kmalloc(), p.kmalloc(), kmallocMissed, kmallocMissed);
                assertCounted("kfree", expected.kfree(), p.kfree(), kfreeMissed, kfreeMissed);
                assertCounted("kmalloc_mem", expected.kmallocMem(), p.kmallocMem(), kmallocMissed, Long.MAX_VALUE);
                assertCounted("kfree_mem", expected.kfreeMem(), p.kfreeMem(), kfreeMissed + kmallocMissed, Long.MAX_VALUE);
                assertTrue(p.kfreeMem() > 0 && p.kfreeMem() <= p.kmallocMem(), "frees paired with allocations: " + p);
                assertEquals(switched, p.sched(), "sched = growth of voluntary + nonvoluntary context switches");
                assertTrue(p.sched() >= 4, "each command ends in a switch out: " + p.sched());
            }
        }
    }

    /**
     * The tracer's count equals the kernel's own, unless the kernel skipped the counting program
     * (missed: its recursion misses in the window, on any task): then it is at most the kernel's
     * and short of it by at most slack (unbounded for byte sums: a missed event's size is unknown).
     */
    private static void assertCounted(String what, long kernel, long counted, long missed, long slack) {
        if (missed == 0) {
            assertEquals(kernel, counted, what);
        } else {
            assertTrue(counted <= kernel && counted >= kernel - Math.min(kernel, slack), what + ": " + counted + " counted, "
                    + kernel + " in the kernel's trace, its program skipped " + missed + " times in the window");
        }
    }

    @Test
    void countingStartsAtAdd() {
        try (Workload w = Workload.start()) {
            w.readFile(100, "/proc/self/stat");
            Quiet.await(w);
            tracer.add(w.pid());
            TracedProcess p = counts(w.pid());
            assertEquals(0, p.kmalloc() + p.kfree() + p.kmallocMem() + p.kfreeMem() + p.sched(), "nothing yet: " + p);
        }
    }

    @Test
    void exitRemovesTheProcessInTheKernel() throws Exception {
        Workload w = Workload.start();
        int worker = w.thread();
        tracer.add(w.pid());
        w.exitThread(worker);
        assertTrue(inKernelTable(w.pid()), "a thread's exit leaves the process traced");
        w.close();
        assertFalse(w.alive());
        assertFalse(inKernelTable(w.pid()), "the exit hook removed the process");
        assertEquals(0, stateField("traced"), "nothing traced: every hook is closed at its first load");
        assertTrue(tracer.snapshot().process(w.pid()).isEmpty());
    }

    @Test
    void removeStopsCounting() {
        try (Workload w = Workload.start()) {
            tracer.add(w.pid());
            w.readFile(10, "/proc/self/stat");
            assertTrue(counts(w.pid()).kmalloc() >= 30);
            tracer.remove(w.pid());
            assertFalse(inKernelTable(w.pid()));
            assertEquals(0, stateField("traced"));
            assertTrue(tracer.snapshot().processes().isEmpty());
            tracer.add(w.pid()); // and again, from zero
            assertEquals(0, counts(w.pid()).kmalloc());
        }
    }

    @Test
    void aKernelThreadCanBeTraced() throws Exception {
        // A kernel thread the test wakes itself, rather than one that happens to be busy.
        Tasks.Kcompactd k = Tasks.Kcompactd.find();
        long before = Tasks.switches(k.pid);
        tracer.add(k.pid);
        long afterAdd = Tasks.switches(k.pid);
        long beforeSnapshot = k.wakeUntil(afterAdd, 3, java.time.Duration.ofSeconds(10));
        TracedProcess p = counts(k.pid);
        long afterSnapshot = Tasks.switches(k.pid);
        tracer.remove(k.pid);
        assertTrue(beforeSnapshot - afterAdd >= 3, "kcompactd0 (" + k.pid + ") woken 3 times in 10 s: /proc counted "
                + (beforeSnapshot - afterAdd) + " switches");
        assertEquals("kcompactd0", p.comm());
        // It runs on its own: its count lies between what /proc saw inside and around the window.
        assertTrue(p.sched() >= beforeSnapshot - afterAdd && p.sched() <= afterSnapshot - before,
                "sched of kernel thread " + k.pid + " (" + p.comm() + ") " + p.sched() + " within ["
                        + (beforeSnapshot - afterAdd) + ", " + (afterSnapshot - before) + "]");
    }

    /** An entry that outlived its process (its exit unseen) must never count a new process with the pid. */
    @Test
    void anEntryForAReusedPidIsDroppedAtTheFirstEvent() {
        try (Workload w = Workload.start()) {
            tracer.add(w.pid());
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, w.pid());
                MemorySegment e = KernelOpsStructs.RT_KERNELOPS_ENTRY.allocate(arena);
                assertTrue(KernelOpsMaps.of(tracer.state()).traced().lookup(key, e));
                // Pretend the entry belonged to an earlier process with this pid.
                KernelOpsEntryRecord.setStartTicks(e, KernelOpsEntryRecord.startTicks(e) - 1);
                assertEquals(0, KernelOpsMaps.of(tracer.state()).traced().update(key, e, 2 /* BPF_EXIST */));
            }
            long stale = stateField("stale");
            w.readFile(1, "/proc/self/stat");
            assertFalse(inKernelTable(w.pid()), "dropped by the BPF side at its first event");
            assertEquals(stale + 1, stateField("stale"));
            assertEquals(0, stateField("traced"));
        }
    }

    @Test
    void outstandingBlocksAreForgottenWhenTracingStartsAgain() {
        try (Workload w = Workload.start()) {
            tracer.add(w.pid());
            w.readFile(20, "/proc/self/stat");
            tracer.remove(w.pid());
            try (Workload v = Workload.start()) {
                tracer.add(v.pid());
                assertEquals(0, stateField("allocs_live"), "emptied when tracing started again");
                assertTrue(KernelOpsMaps.of(tracer.state()).allocs().clear(Long.BYTES) == 0, "no block left over");
            }
        }
    }

    static boolean inKernelTable(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            return KernelOpsMaps.of(tracer.state()).traced().lookup(arena.allocateFrom(ValueLayout.JAVA_INT, pid),
                    KernelOpsStructs.RT_KERNELOPS_ENTRY.allocate(arena));
        }
    }

    static long stateField(String field) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = KernelOpsStructs.RT_KERNELOPS_STATE.allocate(arena);
            assertTrue(KernelOpsMaps.of(tracer.state()).state().lookup(arena.allocate(ValueLayout.JAVA_INT), v));
            return v.get(ValueLayout.JAVA_LONG, KernelOpsStructs.RT_KERNELOPS_STATE.offset(field));
        }
    }

    @Test
    void errorsCarryTheModulesNumbers() throws Exception {
        assertErrno(22, () -> tracer.add(0));
        assertErrno(22, () -> tracer.add(-4));
        assertErrno(3, () -> tracer.add(Tasks.NO_SUCH_PID));
        assertErrno(22, () -> tracer.remove(0));
        assertErrno(3, () -> tracer.remove(Tasks.NO_SUCH_PID));
        try (Workload w = Workload.start()) {
            int worker = w.thread();
            assertErrno(3, () -> tracer.remove(w.pid()));
            KernelOpsException notLeader = assertErrno(22, () -> tracer.add(worker));
            assertTrue(notLeader.getMessage().contains("add " + w.pid()), notLeader.getMessage());
            tracer.add(w.pid());
            assertErrno(23, () -> tracer.add(w.pid()));
        }
        try (Tasks.Zombie z = new Tasks.Zombie()) {
            assertErrno(3, () -> tracer.add(z.pid));
        }
    }

    private static KernelOpsException assertErrno(int errno, org.junit.jupiter.api.function.Executable op) {
        KernelOpsException e = assertThrows(KernelOpsException.class, op);
        assertEquals(errno, e.errno().number(), e.getMessage());
        return e;
    }
}
