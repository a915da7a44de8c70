package restracker.tracker;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import restracker.testing.TestKernel;

/**
 * The accounting, exit, enforcement (across sharing too) and pid-reuse tests again, with the tracker's fentry variant
 * (fentry/fexit on the syscalls' functions) instead of the tracepoints their own classes use: the
 * same checks must hold. One load serves all three (attaching some 110 trampolines takes most of a
 * minute under the qemu lane's emulation). Skipped where the kernel refuses fentry (this project's
 * VMs); the qemu lane runs it and fails on a skip.
 */
class FentryHooksTest {
    private static ResourceTracker fentry;

    @BeforeAll
    static void load() {
        fentry = TestKernel.tracker(FentryHooksTest.class, List.of(TrackerHooks.FENTRY));
        TrackerUnderTest.provide(fentry);
    }

    @AfterAll
    static void unload() {
        TrackerUnderTest.provide(null);
        TestKernel.unload(FentryHooksTest.class, fentry);
    }

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
