package restracker.tracer;

import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import restracker.cli.Environment;
import restracker.kernel.PinnedState;
import restracker.testing.TestKernel;

/** A tracer of a test class's own, in a pin directory no installation uses (see TestKernel). */
final class TestTracer {
    private TestTracer() {}

    /** Loads a fresh tracer for testClass (unloading any leftover of an earlier run first). */
    static KernelTracer load(Class<?> testClass) {
        return load(testClass, Environment.lockHooks());
    }

    /** As {@link #load(Class)}, the lock counters' hooks tried in the order given. */
    static KernelTracer load(Class<?> testClass, java.util.List<CounterSource.Hook> lockHooks) {
        TestKernel.requireBpf();
        Path dir = TestKernel.pinDir(testClass);
        PinnedState.unload(dir);
        try {
            return KernelTracer.open(dir, lockHooks);
        } catch (RuntimeException e) {
            String reason = "the tracer cannot load its BPF programs here: " + e.getMessage();
            if (TestKernel.onCi()) Assertions.fail(reason + " (on CI these tests must run)", e);
            Assumptions.abort(reason);
            throw e;
        }
    }

    static void unload(Class<?> testClass, KernelTracer tracer) {
        if (tracer != null) tracer.close();
        PinnedState.unload(TestKernel.pinDir(testClass));
    }
}
