package restracker.tracker;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import restracker.testing.TestKernel;

/**
 * {@link AccountingTest} with the tracker's fentry variant (fentry/fexit on the syscalls' functions):
 * the same checks must hold. Skipped where the kernel refuses fentry; the qemu lane runs it.
 */
class FentryAccountingTest extends AccountingTest {
    @BeforeAll
    static void load() {
        tracker = TestKernel.tracker(FentryAccountingTest.class, List.of(TrackerHooks.FENTRY));
    }

    @AfterAll
    static void unload() {
        TestKernel.unload(FentryAccountingTest.class, tracker);
    }
}
