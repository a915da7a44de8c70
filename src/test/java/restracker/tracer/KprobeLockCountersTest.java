package restracker.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kprobe variant of the lock hooks, asked for explicitly (as RESTRACKER_LOCK_HOOKS=kprobe
 * does): where fentry works the default never uses it, so this is where it is checked.
 */
class KprobeLockCountersTest extends LockCounterChecks {
    private static KernelTracer tracer;

    @BeforeAll
    static void load() {
        tracer = TestTracer.load(KprobeLockCountersTest.class, List.of(CounterSource.Hook.KPROBE));
    }

    @AfterAll
    static void unload() {
        TestTracer.unload(KprobeLockCountersTest.class, tracer);
    }

    @Override
    KernelTracer tracer() {
        return tracer;
    }

    /** kprobes where doctor says they work, nothing (with the reason) where it says they do not. */
    @Test
    void usesKprobesWhereDoctorSaysTheyWork() {
        boolean kprobes = LockCountersTest.doctor().get("kprobes");
        for (Counter c : LOCKS) {
            CounterSource s = tracer.sources().get(c);
            assertEquals(kprobes ? CounterSource.Hook.KPROBE : CounterSource.Hook.NONE, s.hook(), c + ": " + s.describe());
        }
    }
}
