package restracker.tracker;

import java.util.List;
import restracker.testing.TestKernel;

/**
 * The tracker a test class of the tracker's semantics runs against: its own (tracepoint hooks, in
 * its own pin directory), or the one a test that reruns those classes with other hooks provides
 * (FentryHooksTest). JUnit runs a superclass's static @BeforeAll and @AfterAll for a nested
 * subclass too, even where the subclass declares its own: so the classes that are rerun load and
 * unload only through here, and never unload a tracker they were given.
 */
final class TrackerUnderTest {
    private static volatile ResourceTracker provided;

    private TrackerUnderTest() {}

    static ResourceTracker load(Class<?> testClass) {
        ResourceTracker p = provided;
        return p != null ? p : TestKernel.tracker(testClass, List.of(TrackerHooks.TRACEPOINT));
    }

    static void unload(Class<?> testClass, ResourceTracker tracker) {
        if (tracker != null && tracker == provided) return;
        TestKernel.unload(testClass, tracker);
    }

    /** While set, the classes above run against tracker; null gives each its own again. */
    static void provide(ResourceTracker tracker) {
        provided = tracker;
    }
}
