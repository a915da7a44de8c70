package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import restracker.kernel.Struct;

/**
 * The layouts the build generated from a BPF object's BTF (TrackerStructs, KernelOpsStructs: see
 * src/build/BtfStructs.java), against bpftool's reading of the same BTF: one constant per struct
 * rt_*, each with the struct's fields, offsets and sizes.
 */
public final class GeneratedStructs {
    private GeneratedStructs() {}

    /** Every constant of structs, a class generated from object, matches its struct; and there is one per struct rt_*. */
    public static void assertMatchObject(Class<?> structs, String object) throws Exception {
        List<String> generated = new ArrayList<>();
        for (Field f : structs.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != Struct.class) continue;
            Struct s = (Struct) f.get(null);
            assertEquals(s.cName().toUpperCase(Locale.ROOT), f.getName(), "the constant of struct " + s.cName());
            BtfLayout.assertMatches(s, object);
            generated.add(s.cName());
        }
        List<String> expected = BtfLayout.structNames(object, "rt_");
        assertTrue(expected.size() >= 3, object + "'s BTF has its records: " + expected);
        assertEquals(expected.stream().sorted().toList(), generated.stream().sorted().toList(),
                structs.getSimpleName() + " holds a layout for each struct rt_* of " + object);
    }
}
