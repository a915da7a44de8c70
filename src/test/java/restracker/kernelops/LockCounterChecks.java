package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import restracker.testing.Workload;

/**
 * What the lock counters must do with whichever hooks a tracer got: be exact against a workload
 * that takes a known number of mutexes and semaphores where they are measured (skipped, with the
 * kernel's reason, where they are not), and be empty, never 0, where they are not.
 */
abstract class LockCounterChecks {
    static final List<Counter> LOCKS = List.of(Counter.UP, Counter.DOWN, Counter.LOCK, Counter.UNLOCK);

    /** The tracer under test, loaded by the subclass. */
    abstract KernelTracer tracer();

    @Test
    void unmeasuredCountersAreEmptyNeverZero() {
        try (Workload w = Workload.start()) {
            tracer().add(w.pid());
            w.pipeReadWrite(10);
            TracedProcess p = tracer().snapshot().process(w.pid()).orElseThrow();
            for (Counter c : LOCKS) {
                assertEquals(tracer().sources().get(c).measured(), p.get(c).isPresent(), c + " of " + p);
            }
        }
    }

    /** Each one-byte write and read of a pipe takes the pipe's mutex once. */
    @Test
    void mutexCallsMatchAKnownWorkload() {
        assumeMeasured(Counter.LOCK, Counter.UNLOCK);
        try (Workload w = Workload.start()) {
            tracer().add(w.pid());
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
            tracer().add(w.pid());
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
    private long[] delta(Workload w, Runnable command, ToLongFunction<TracedProcess>... counters) {
        Quiet.await(w);
        TracedProcess before = tracer().snapshot().process(w.pid()).orElseThrow();
        command.run();
        Quiet.await(w);
        TracedProcess after = tracer().snapshot().process(w.pid()).orElseThrow();
        long[] d = new long[counters.length];
        for (int i = 0; i < counters.length; i++) d[i] = counters[i].applyAsLong(after) - counters[i].applyAsLong(before);
        return d;
    }

    private void assumeMeasured(Counter... counters) {
        for (Counter c : counters) {
            CounterSource s = tracer().sources().get(c);
            // doctor agrees (sourcesAgreeWithDoctor): where it says available, this test must pass.
            Assumptions.assumeTrue(s.measured(), c.label() + " is not measured on this kernel: " + s.reason());
        }
    }
}
