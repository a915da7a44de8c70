package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import restracker.kernel.Doctor;
import restracker.testing.Loaded;

/**
 * up, down, lock and unlock with the hooks a tracer gets by default (fentry, else kprobes):
 * measured where the kernel allows either, and then exact; reported as not measured (never 0)
 * where it allows neither, in agreement with `restracker doctor`.
 */
class LockCountersTest extends LockCounterChecks {
    @Loaded
    private static KernelTracer tracer;

    @Override
    KernelTracer tracer() {
        return tracer;
    }

    static Map<String, Boolean> doctor() {
        Map<String, Boolean> probes = new HashMap<>();
        for (Doctor.Finding f : Doctor.probe()) probes.put(f.what(), f.ok());
        return probes;
    }

    /** The tracer uses what doctor's probes find: fentry if it works, else kprobes, else nothing. */
    @Test
    void sourcesAgreeWithDoctor() {
        Map<String, Boolean> probes = doctor();
        CounterSource.Hook expected = probes.get("fentry") ? CounterSource.Hook.FENTRY
                : probes.get("kprobes") ? CounterSource.Hook.KPROBE : CounterSource.Hook.NONE;
        for (Counter c : LOCKS) {
            CounterSource s = tracer.sources().get(c);
            assertEquals(expected, s.hook(), c + ": " + s.describe());
            if (!s.measured()) assertTrue(!s.reason().isBlank(), "a reason is given for " + c);
        }
        assertEquals(probes.get("fentry") || probes.get("kprobes"), probes.get("tracer lock counters"));
    }
}
