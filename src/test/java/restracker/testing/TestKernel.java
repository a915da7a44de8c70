package restracker.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import restracker.cli.Environment;
import restracker.kernel.PinnedState;
import restracker.kernelops.CounterSource;
import restracker.kernelops.KernelTracer;
import restracker.sys.Libc;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerHooks;

/**
 * A tracker of the tests' own, pinned in a directory no installation uses, so that tests never
 * disturb a running restracker or each other. Off CI a test that needs BPF is skipped with the
 * reason when the kernel or the privileges are missing; on CI (see {@link #onCi()}) that is a failure.
 */
public final class TestKernel {
    private TestKernel() {}

    public static Path pinDir(Class<?> testClass) {
        return Path.of("/sys/fs/bpf/restracker-test-" + testClass.getSimpleName() + "-" + ProcessHandle.current().pid());
    }

    /** Loads a fresh tracker for testClass (unloading any leftover of an earlier run first). */
    public static ResourceTracker tracker(Class<?> testClass) {
        return tracker(testClass, Environment.trackerHooks());
    }

    /**
     * Loads a fresh tracker for testClass with the first of hooks the kernel accepts. A test of
     * the fentry variant alone is skipped, CI or not, where the kernel refuses fentry (as this
     * project's VMs do: `doctor` says so); the qemu lane runs it on a kernel that allows it, and
     * fails on any skip.
     */
    public static ResourceTracker tracker(Class<?> testClass, List<TrackerHooks> hooks) {
        Path dir = pinDir(testClass);
        requireBpf();
        PinnedState.unload(dir);
        if (hooks.equals(List.of(TrackerHooks.FENTRY))) {
            Optional<String> refused = TrackerHooks.fentryRefused();
            Assumptions.assumeTrue(refused.isEmpty(), () -> "the tracker's fentry variant cannot run on this kernel ("
                    + refused.orElse("") + "); the qemu lane runs it on one that allows it");
        }
        try {
            return ResourceTracker.open(dir, hooks);
        } catch (RuntimeException e) {
            skipOrFail("restracker cannot load its BPF programs here: " + e.getMessage());
            throw e;
        }
    }

    /** Loads a fresh tracer for testClass with the lock counters' hooks tried in the order given. */
    public static KernelTracer tracer(Class<?> testClass, List<CounterSource.Hook> lockHooks) {
        requireBpf();
        Path dir = pinDir(testClass);
        PinnedState.unload(dir);
        try {
            return KernelTracer.open(dir, lockHooks);
        } catch (RuntimeException e) {
            skipOrFail("the tracer cannot load its BPF programs here: " + e.getMessage());
            throw e;
        }
    }

    public static void unloadTracer(Class<?> testClass, KernelTracer tracer) {
        if (tracer != null) tracer.close();
        PinnedState.unload(pinDir(testClass));
    }

    public static void unload(Class<?> testClass, ResourceTracker tracker) {
        if (tracker != null) tracker.close();
        PinnedState.unload(pinDir(testClass));
    }

    /** On CI: the environment variable CI is set to anything but empty, "false" or "0" (as CI services set it). */
    /** `rm -rf` of a pin directory made or spoiled by a test, by hand: not through the code under test. */
    public static void removeByHand(Path p) {
        Child.Output o = Child.run(new ProcessBuilder("rm", "-rf", "--one-file-system", p.toString()).redirectErrorStream(true),
                "rm -rf " + p, java.time.Duration.ofSeconds(30));
        Assertions.assertEquals(0, o.status(), "rm -rf " + p + ": " + o.out());
    }

    public static boolean onCi() {
        return onCi(System.getenv("CI"));
    }

    static boolean onCi(String ci) {
        if (ci == null) return false;
        String v = ci.strip();
        return !v.isEmpty() && !v.equalsIgnoreCase("false") && !v.equals("0");
    }

    public static void requireBpf() {
        if (Libc.geteuid() != 0) skipOrFail("BPF tests need root");
    }

    private static void skipOrFail(String reason) {
        if (onCi()) Assertions.fail(reason + " (on CI these tests must run)");
        Assumptions.abort(reason);
    }
}
