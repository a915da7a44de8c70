package restracker.tracker;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import restracker.testing.TestKernel;

/**
 * {@link PidReuseTest} with the tracker's fentry variant (fentry/fexit on the syscalls' functions):
 * the same checks must hold. Skipped where the kernel refuses fentry; the qemu lane runs it.
 */
class FentryPidReuseTest extends PidReuseTest {
    @BeforeAll
    static void load() {
        tracker = TestKernel.tracker(FentryPidReuseTest.class, List.of(TrackerHooks.FENTRY));
    }

    @AfterAll
    static void unload() {
        TestKernel.unload(FentryPidReuseTest.class, tracker);
    }
}
