package restracker.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.Doctor;
import restracker.testing.Workload;

/**
 * up, down, lock and unlock: measured where the kernel allows fentry or kprobes, and then exact
 * against a workload that takes a known number of them; reported as not measured (never 0)
 * where it allows neither, in agreement with `restracker doctor`.
 */
class LockCountersTest {
    private static final List<Counter> LOCKS = List.of(Counter.UP, Counter.DOWN, Counter.LOCK, Counter.UNLOCK);
    private static KernelTracer tracer;

    @BeforeAll
    static void load() {
        tracer = TestTracer.load(LockCountersTest.class);
    }

    @AfterAll
    static void unload() {
        TestTracer.unload(LockCountersTest.class, tracer);
    }

    /** The tracer uses what doctor's probes find: fentry if it works, else kprobes, else nothing. */
    @Test
    void sourcesAgreeWithDoctor() {
        Map<String, Boolean> probes = new java.util.HashMap<>();
        for (Doctor.Finding f : Doctor.probe()) probes.put(f.what(), f.ok());
        CounterSource.Hook expected = probes.get("fentry") ? CounterSource.Hook.FENTRY
                : probes.get("kprobes") ? CounterSource.Hook.KPROBE : CounterSource.Hook.NONE;
        for (Counter c : LOCKS) {
            CounterSource s = tracer.sources().get(c);
            assertEquals(expected, s.hook(), c + ": " + s.describe());
            if (!s.measured()) assertTrue(!s.reason().isBlank(), "a reason is given for " + c);
        }
        assertEquals(probes.get("fentry") || probes.get("kprobes"), probes.get("tracer lock counters"));
    }

    @Test
    void unmeasuredCountersAreEmptyNeverZero() {
        try (Workload w = Workload.start()) {
            tracer.add(w.pid());
            w.pipeReadWrite(10);
            TracedProcess p = tracer.snapshot().process(w.pid()).orElseThrow();
            for (Counter c : LOCKS) {
                assertEquals(tracer.sources().get(c).measured(), p.get(c).isPresent(), c + " of " + p);
            }
        }
    }

    /** Each one-byte write and read of a pipe takes the pipe's mutex once. */
    @Test
    void mutexCallsMatchAKnownWorkload() {
        assumeMeasured(Counter.LOCK, Counter.UNLOCK);
        try (Workload w = Workload.start()) {
            tracer.add(w.pid());
            // Commands of the same length: the workload reads its stdin pipe a byte at a time.
            long[] base = delta(w, () -> w.send("pipe_rw 0000"), p -> p.lock().getAsLong(), p -> p.unlock().getAsLong());
            long[] more = delta(w, () -> w.send("pipe_rw 1000"), p -> p.lock().getAsLong(), p -> p.unlock().getAsLong());
            assertEquals(2000, more[0] - base[0], "mutex_lock: one per pipe write and one per read");
            assertEquals(2000, more[1] - base[1], "mutex_unlock: one per pipe write and one per read");
        }
    }

    /** Each seccomp user notification is one up() by the notifier and one down_interruptible() by the listener. */
    @Test
    void semaphoreCallsMatchAKnownWorkload() {
        assumeMeasured(Counter.UP, Counter.DOWN);
        try (Workload w = Workload.start()) {
            tracer.add(w.pid());
            long[] base = delta(w, () -> w.send("seccomp_notify 000"), p -> p.up().getAsLong(), p -> p.down().getAsLong());
            long[] more = delta(w, () -> w.send("seccomp_notify 500"), p -> p.up().getAsLong(), p -> p.down().getAsLong());
            assertEquals(500, more[0] - base[0], "up: one per notification");
            assertEquals(500, more[1] - base[1], "down_interruptible: one per receive");
        }
    }

    /**
     * The growth of counters over one command, the workload quiet before and after; the difference
     * of two such commands cancels what the command loop itself costs (reading the command from its
     * stdin pipe, writing the answer).
     */
    @SafeVarargs
    private static long[] delta(Workload w, Runnable command, ToLongFunction<TracedProcess>... counters) {
        Quiet.await(w);
        TracedProcess before = tracer.snapshot().process(w.pid()).orElseThrow();
        command.run();
        Quiet.await(w);
        TracedProcess after = tracer.snapshot().process(w.pid()).orElseThrow();
        long[] d = new long[counters.length];
        for (int i = 0; i < counters.length; i++) d[i] = counters[i].applyAsLong(after) - counters[i].applyAsLong(before);
        return d;
    }

    private static void assumeMeasured(Counter... counters) {
        for (Counter c : counters) {
            CounterSource s = tracer.sources().get(c);
            // doctor agrees (sourcesAgreeWithDoctor): where it says available, this test must pass.
            Assumptions.assumeTrue(s.measured(), c.label() + " is not measured on this kernel: " + s.reason());
        }
    }
}
