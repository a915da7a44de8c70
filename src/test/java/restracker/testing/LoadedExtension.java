package restracker.testing;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ModifierSupport;
import restracker.cli.Environment;
import restracker.kernelops.KernelTracer;
import restracker.sys.Libc;
import restracker.tracker.ResourceTracker;

/**
 * Fills the {@link Loaded} fields of a test class before its tests and unloads them after. A
 * nested class whose enclosing class loaded a field {@code forNested} gets that tracker, and
 * leaves its unloading to the enclosing class. The load has the deadline every lifecycle method
 * has (JUnit's timeouts do not cover extensions).
 */
public final class LoadedExtension implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LoadedExtension.class);
    private static final Duration LOAD_DEADLINE = Duration.ofMinutes(5);

    /** A field this class's run set: its value, and whether this run loaded it (and so unloads it). */
    private static final class Slot {
        final Field field;
        final boolean owned;
        Object value;

        Slot(Field field, boolean owned) {
            this.field = field;
            this.owned = owned;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        List<Slot> slots = new ArrayList<>();
        store.put(key(context), slots);
        for (Field f : fields(context.getRequiredTestClass())) {
            Loaded loaded = f.getAnnotation(Loaded.class);
            Object given = store.get(f.getType()); // an enclosing class's forNested tracker
            Slot slot = new Slot(f, given == null);
            slots.add(slot);
            slot.value = given != null ? given
                    : Assertions.assertTimeoutPreemptively(LOAD_DEADLINE, () -> load(f, loaded), "loading " + f);
            f.set(null, slot.value);
            if (loaded.forNested()) store.put(f.getType(), slot.value);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        @SuppressWarnings("unchecked")
        List<Slot> slots = context.getStore(NAMESPACE).get(key(context), List.class);
        if (slots == null) return;
        for (Slot s : slots.reversed()) {
            s.field.set(null, null);
            if (!s.owned || Libc.geteuid() != 0) continue; // nothing was loaded without root
            Class<?> owner = s.field.getDeclaringClass();
            if (s.field.getType() == KernelTracer.class) TestKernel.unloadTracer(owner, (KernelTracer) s.value);
            else TestKernel.unload(owner, (ResourceTracker) s.value);
        }
    }

    /** This context's own key (a store lookup falls back to the enclosing contexts'). */
    private static String key(ExtensionContext context) {
        return "slots of " + context.getUniqueId();
    }

    private static Object load(Field f, Loaded loaded) {
        Class<?> owner = f.getDeclaringClass();
        if (f.getType() == KernelTracer.class) {
            return TestKernel.tracer(owner, loaded.lockHooks().length == 0 ? Environment.lockHooks()
                    : List.of(loaded.lockHooks()));
        }
        return TestKernel.tracker(owner, loaded.trackerHooks().length == 0 ? Environment.trackerHooks()
                : List.of(loaded.trackerHooks()));
    }

    /** The class's static @Loaded fields, its superclasses' first, made writable. */
    private static List<Field> fields(Class<?> testClass) {
        List<Field> fields = AnnotationSupport.findAnnotatedFields(testClass, Loaded.class, ModifierSupport::isStatic);
        for (Field f : fields) {
            if (f.getType() != ResourceTracker.class && f.getType() != KernelTracer.class) {
                throw new IllegalStateException("@Loaded is for a ResourceTracker or a KernelTracer field, not " + f);
            }
            f.setAccessible(true);
        }
        return fields;
    }
}
