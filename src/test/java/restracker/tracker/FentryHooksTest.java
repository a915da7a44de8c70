package restracker.tracker;

import org.junit.jupiter.api.Nested;
import restracker.testing.Loaded;

/**
 * The accounting, exit, enforcement (across sharing too) and pid-reuse tests again, with the tracker's fentry variant
 * (fentry/fexit on the syscalls' functions) instead of the tracepoints their own classes use: the
 * same checks must hold. One load serves all of them (attaching some 110 trampolines takes most of a
 * minute under the qemu lane's emulation): the nested classes run against it instead of loading
 * their own. Skipped where the kernel refuses fentry (this project's VMs); the qemu lane runs it
 * and fails on a skip.
 */
class FentryHooksTest {
    @Loaded(trackerHooks = TrackerHooks.FENTRY, forNested = true)
    private static ResourceTracker fentry;

    @Nested
    class Accounting extends AccountingTest {
    }

    @Nested
    class Enforcement extends EnforcementTest {
    }

    @Nested
    class PidReuse extends PidReuseTest {
    }

    @Nested
    class EnforcementAcrossSharing extends EnforcementAcrossSharingTest {
    }
}
