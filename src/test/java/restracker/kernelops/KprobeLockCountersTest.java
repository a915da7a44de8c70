package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import restracker.testing.Loaded;

/**
 * The kprobe variant of the lock hooks, asked for explicitly (as RESTRACKER_LOCK_HOOKS=kprobe
 * does): where fentry works the default never uses it, so this is where it is checked.
 */
class KprobeLockCountersTest extends LockCounterChecks {
    @Loaded(lockHooks = CounterSource.Hook.KPROBE)
    private static KernelTracer tracer;

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
