package restracker.tracker;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import restracker.testing.TestKernel;

/**
 * {@link EnforcementTest} with the tracker's fentry variant (fentry/fexit on the syscalls' functions):
 * the same checks must hold. Skipped where the kernel refuses fentry; the qemu lane runs it.
 */
class FentryEnforcementTest extends EnforcementTest {
    @BeforeAll
    static void load() {
        tracker = TestKernel.tracker(FentryEnforcementTest.class, List.of(TrackerHooks.FENTRY));
    }

    @AfterAll
    static void unload() {
        TestKernel.unload(FentryEnforcementTest.class, tracker);
    }
}
