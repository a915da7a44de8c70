package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Checks a record class's typed accessors (EntityRecord.heap / setHeap, StateRecord.addDoomed,
 * LogRecord.uid(heads, log), PolicySetRecord.setIds, ...) against the C struct's BTF: each accessor
 * named after a field (camelCase of its snake_case name) must be of the field's size (int for 4
 * bytes, long for 8, String for a char array, int[] for an array of 4-byte elements), and read
 * and write the bytes at that field's offset in the compiled object, whatever the Java layout says.
 */
public final class RecordAccessors {
    /** The element of an array of records the indexed accessors (name(segment, int index, ...)) are tried on. */
    private static final int INDEX = 3;

    private RecordAccessors() {}

    /** Every accessor of records, on struct cName of object's BTF; returns the fields they reach. */
    public static TreeSet<String> check(Class<?> records, String object, String cName) throws Exception {
        Map<String, BtfLayout.Member> members = new LinkedHashMap<>();
        for (BtfLayout.Member m : BtfLayout.members(object, cName)) members.put(m.name(), m);
        long size = BtfLayout.structSize(object, cName);
        List<Method> accessors = new ArrayList<>();
        for (Method m : records.getDeclaredMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) || Modifier.isPrivate(m.getModifiers()) || m.getName().equals("allocate")) continue;
            Class<?>[] p = m.getParameterTypes();
            if (p.length > 0 && p[0] == MemorySegment.class) accessors.add(m);
        }
        // Every accessor's field and size first, without initialising the class: a handle on a field
        // the C struct no longer has would fail its initialiser, less clearly than this.
        for (Method m : accessors) {
            String field = field(m);
            assertTrue(members.containsKey(field), records.getSimpleName() + "." + m.getName() + " names a field of struct "
                    + cName + ": " + members.keySet());
            assertFitsField(records.getSimpleName() + "." + m.getName(), type(m), cName + "." + field, members.get(field));
        }
        assertTrue(!accessors.isEmpty(), records.getSimpleName() + " has accessors (static methods on a MemorySegment)");
        TreeSet<String> reached = new TreeSet<>();
        for (Method m : accessors) {
            Class<?>[] p = m.getParameterTypes();
            m.setAccessible(true);
            boolean writes = writes(m);
            boolean indexed = p.length == (writes ? 3 : 2); // name(segment, int index[, value])
            String field = field(m);
            long at = (indexed ? INDEX * size : 0) + members.get(field).offset();
            Class<?> type = type(m);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment s = arena.allocate(size * (INDEX + 1), 8);
                Object[] call = new Object[p.length];
                call[0] = s;
                if (indexed) call[1] = INDEX;
                String what = records.getSimpleName() + "." + m.getName() + " on " + cName + "." + field + " at byte " + at;
                if (setter(m)) {
                    call[p.length - 1] = sample(type);
                    m.invoke(null, call);
                    assertEquals(comparable(sample(type)), comparable(raw(s, at, type)), what);
                    Optional<Method> getter = getter(records, m, field);
                    if (getter.isPresent()) {
                        assertEquals(comparable(sample(type)), comparable(getter.get().invoke(null, Arrays.copyOf(call, p.length - 1))), what);
                    }
                } else if (m.getName().startsWith("add")) {
                    write(s, at, type, sample(type));
                    call[p.length - 1] = type == int.class ? (Object) 5 : (Object) 5L;
                    assertEquals(sample(type), m.invoke(null, call), what + ": the value before");
                    assertEquals(type == int.class ? (Object) ((int) sample(type) + 5) : (Object) ((long) sample(type) + 5),
                            raw(s, at, type), what);
                } else {
                    write(s, at, type, sample(type));
                    assertEquals(sample(type), m.invoke(null, call), what);
                }
            }
            reached.add(field);
        }
        return reached;
    }

    /** The field an accessor is named after: setHeapWarn, heapWarn, addHeapWarn are heap_warn's. */
    private static String field(Method m) {
        String field = snake(m.getName().replaceFirst("^(set|add)(?=[A-Z])", ""));
        return field.startsWith("_") ? field.substring(1) : field;
    }

    private static boolean writes(Method m) {
        return setter(m) || m.getName().startsWith("add");
    }

    /** The type of the value an accessor reads or writes. */
    private static Class<?> type(Method m) {
        Class<?>[] p = m.getParameterTypes();
        return writes(m) ? p[p.length - 1] : m.getReturnType();
    }

    /** Refuses an accessor whose Java type is not of the C field's size (a u32 field read as a long, ...). */
    private static void assertFitsField(String accessor, Class<?> type, String field, BtfLayout.Member member) {
        boolean fits;
        if (type == int.class) fits = member.size() == 4;
        else if (type == long.class) fits = member.size() == 8;
        else if (type == String.class) fits = member.elementSize() == 1 && member.size() > ((String) sample(type)).length();
        else if (type == int[].class) fits = member.elementSize() == 4 && member.size() >= 4L * ((int[]) sample(type)).length;
        else fits = false;
        assertTrue(fits, accessor + " is typed " + type.getSimpleName() + ", but " + field + " is " + member.size()
                + " bytes" + (member.elementSize() != member.size() ? " (elements of " + member.elementSize() + ")" : ""));
    }

    /** An int[] as a list, so that assertEquals compares its elements. */
    private static Object comparable(Object v) {
        return v instanceof int[] a ? Arrays.stream(a).boxed().toList() : v;
    }

    private static boolean setter(Method m) {
        return m.getName().startsWith("set") && m.getReturnType() == void.class;
    }

    private static Optional<Method> getter(Class<?> records, Method setter, String field) {
        return Arrays.stream(records.getDeclaredMethods()).filter(g -> g.getName().equals(camel(field))
                && g.getParameterCount() == setter.getParameterCount() - 1).peek(g -> g.setAccessible(true)).findFirst();
    }

    private static Object sample(Class<?> type) {
        if (type == int.class) return 0x0badcafe;
        if (type == long.class) return 0x1122334455667788L;
        if (type == String.class) return "rt-sample";
        if (type == int[].class) return new int[] {0x0badcafe, 7, -1};
        throw new AssertionError("no sample of " + type);
    }

    private static Object raw(MemorySegment s, long at, Class<?> type) {
        if (type == int.class) return s.get(ValueLayout.JAVA_INT, at);
        if (type == long.class) return s.get(ValueLayout.JAVA_LONG, at);
        if (type == int[].class) return s.asSlice(at, 4L * ((int[]) sample(type)).length).toArray(ValueLayout.JAVA_INT);
        byte[] b = s.asSlice(at, ((String) sample(String.class)).length()).toArray(ValueLayout.JAVA_BYTE);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void write(MemorySegment s, long at, Class<?> type, Object v) {
        if (type == int.class) s.set(ValueLayout.JAVA_INT, at, (int) v);
        else if (type == long.class) s.set(ValueLayout.JAVA_LONG, at, (long) v);
        else if (type == int[].class) MemorySegment.copy((int[]) v, 0, s, ValueLayout.JAVA_INT, at, ((int[]) v).length);
        else s.asSlice(at).copyFrom(MemorySegment.ofArray(((String) v + "\0").getBytes(StandardCharsets.UTF_8)));
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }

    private static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        for (String part : snake.split("_")) b.append(b.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        return b.toString();
    }
}
