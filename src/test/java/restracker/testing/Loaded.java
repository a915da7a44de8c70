package restracker.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import restracker.kernelops.CounterSource;
import restracker.tracker.TrackerHooks;

/**
 * A static field, of type ResourceTracker or KernelTracer, that is loaded for its test class: once,
 * before the class's first test and its own @BeforeAll methods, in a pin directory of the class
 * that declares the field (see {@link TestKernel#pinDir}), and unloaded after its last test and its
 * @AfterAll methods, whatever happened in between. Where BPF cannot be loaded the class is skipped
 * with the reason, and on CI it fails (see {@link LoadedExtension}).
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LoadedExtension.class)
public @interface Loaded {
    /** A tracker's hook variants, in the order to try; none: those RESTRACKER_TRACKER_HOOKS names. */
    TrackerHooks[] trackerHooks() default {};

    /** A tracer's lock-counter hooks, in the order to try; none: those RESTRACKER_LOCK_HOOKS names. */
    CounterSource.Hook[] lockHooks() default {};

    /**
     * Whether the test classes nested in this one (@Nested) run against this field's tracker instead
     * of loading their own: the same checks rerun with other hooks.
     */
    boolean forNested() default false;
}
