package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SequenceLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import restracker.kernel.Struct;

/**
 * The C side as compiled into a BPF object, read from the object's BTF with bpftool: a Java record
 * layout compared with its C struct (field names, order, offsets and sizes), a struct's members,
 * and the values of the object's enum constants.
 */
public final class BtfLayout {
    private BtfLayout() {}

    /** The raw BTF dump of target/classes/bpf/OBJECT. */
    public static String btf(String object) throws Exception {
        Path file = Path.of("target/classes/bpf").resolve(object);
        assertTrue(Files.exists(file), "the build produced " + file);
        Child.Output o = Child.run(new ProcessBuilder("bpftool", "btf", "dump", "file", file.toString(), "format", "raw")
                .redirectErrorStream(true), "bpftool btf dump file " + file, Duration.ofSeconds(60));
        assertEquals(0, o.status(), o.out());
        return o.out();
    }

    /**
     * Every enumerator of the named enums in target/classes/bpf/OBJECT's BTF, by name. An enum of
     * 4 bytes holds C enumeration constants, which are ints: its values are read as such (clang
     * marks such an enum UNSIGNED even when a constant is negative).
     */
    public static Map<String, Long> enumValues(String object) throws Exception {
        String btf = btf(object);
        Map<String, Long> values = new LinkedHashMap<>();
        Matcher head = Pattern.compile("\\] ENUM(64)? '(\\w+)'(?: encoding=\\w+)? size=(\\d+) vlen=(\\d+)\\n").matcher(btf);
        while (head.find()) {
            int size = Integer.parseInt(head.group(3));
            Matcher m = Pattern.compile("\\t'(\\w+)' val=(-?\\d+)\\n").matcher(btf);
            m.region(head.end(), btf.length());
            for (int i = 0; i < Integer.parseInt(head.group(4)); i++) {
                assertTrue(m.lookingAt(), "enumerator " + i + " of enum " + head.group(2) + " in " + object);
                String text = m.group(2);
                long v = text.startsWith("-") ? Long.parseLong(text) : Long.parseUnsignedLong(text);
                values.put(m.group(1), size == 4 ? (long) (int) v : v);
                m.region(m.end(), btf.length());
            }
        }
        return values;
    }

    /** One enum constant of OBJECT's BTF; fails if the object carries none of that name. */
    public static long enumValue(String object, String name) throws Exception {
        Long v = enumValues(object).get(name);
        assertTrue(v != null, object + "'s BTF carries the constant " + name);
        return v;
    }

    /** One member of a C struct as compiled: its name, offset and size in bytes, and its elements' size (an array's; else its size). */
    public record Member(String name, long offset, long size, long elementSize) {}

    /**
     * Compares a Java record layout with struct record.cName() in the BTF of
     * target/classes/bpf/OBJECT: the same named fields in the same order, each at the same offset
     * and of the same size, and the same size in all (padding the Java layout adds is not a field).
     */
    public static void assertMatches(Struct record, String object) {
        List<Member> java = new ArrayList<>();
        for (MemoryLayout m : record.layout().memberLayouts()) {
            if (m.name().isEmpty()) continue; // padding
            MemoryLayout element = m;
            while (element instanceof SequenceLayout a) element = a.elementLayout();
            java.add(new Member(m.name().get(), record.offset(m.name().get()), m.byteSize(), element.byteSize()));
        }
        assertEquals(members(object, record.cName()), java, "struct " + record.cName() + " of " + object);
        assertEquals(structSize(object, record.cName()), record.size(), "size of struct " + record.cName() + " of " + object);
    }

    /** The names of the structs in target/classes/bpf/OBJECT's BTF that start with prefix. */
    public static List<String> structNames(String object, String prefix) {
        List<String> names = new ArrayList<>();
        for (JsonNode t : types(object).values()) {
            if (t.get("kind").asText().equals("STRUCT") && t.get("name").asText().startsWith(prefix)) names.add(t.get("name").asText());
        }
        return names;
    }

    /** The size in bytes of struct cName in target/classes/bpf/OBJECT's BTF. */
    public static long structSize(String object, String cName) {
        return struct(types(object), object, cName).get("size").asLong();
    }

    /** Each member of struct cName in target/classes/bpf/OBJECT's BTF, in order. */
    public static List<Member> members(String object, String cName) {
        Map<Long, JsonNode> types = types(object);
        List<Member> members = new ArrayList<>();
        for (JsonNode m : struct(types, object, cName).get("members")) {
            long bits = m.get("bits_offset").asLong();
            assertTrue(bits % 8 == 0 && !m.has("bitfield_size"), cName + "." + m.get("name").asText() + " is a whole number of bytes");
            long type = m.get("type_id").asLong();
            members.add(new Member(m.get("name").asText(), bits / 8, size(types, type), elementSize(types, type)));
        }
        return members;
    }

    /** Every type of target/classes/bpf/OBJECT's BTF as bpftool reads it (bpftool -j btf dump file), by id. */
    public static Map<Long, JsonNode> types(String object) {
        return TYPES.computeIfAbsent(object, BtfLayout::readTypes);
    }

    /** By object: the build does not change while the tests run. */
    private static final Map<String, Map<Long, JsonNode>> TYPES = new java.util.concurrent.ConcurrentHashMap<>();

    private static Map<Long, JsonNode> readTypes(String object) {
        Path file = Path.of("target/classes/bpf").resolve(object);
        assertTrue(Files.exists(file), "the build produced " + file);
        Child.Output o = Child.run(new ProcessBuilder("bpftool", "-j", "btf", "dump", "file", file.toString()),
                "bpftool -j btf dump file " + file, Duration.ofSeconds(60));
        assertEquals(0, o.status(), o.err());
        Map<Long, JsonNode> byId = new HashMap<>();
        for (JsonNode t : JsonTree.parse(o.out()).get("types")) byId.put(t.get("id").asLong(), t);
        return Map.copyOf(byId);
    }

    private static JsonNode struct(Map<Long, JsonNode> types, String object, String cName) {
        for (JsonNode t : types.values()) {
            if (t.get("kind").asText().equals("STRUCT") && t.get("name").asText().equals(cName)) return t;
        }
        throw new AssertionError("struct " + cName + " is in the BTF of " + object);
    }

    /** The size of an array type's elements (of its innermost elements: char[2][8] has 1), else of the type. */
    private static long elementSize(Map<Long, JsonNode> types, long id) {
        JsonNode t = types.get(id);
        return switch (t.get("kind").asText()) {
            case "TYPEDEF", "CONST", "VOLATILE", "RESTRICT", "TYPE_TAG", "ARRAY" -> elementSize(types, t.get("type_id").asLong());
            default -> size(types, id);
        };
    }

    /** The size in bytes of type id, through typedefs and qualifiers. */
    private static long size(Map<Long, JsonNode> types, long id) {
        JsonNode t = types.get(id);
        return switch (t.get("kind").asText()) {
            case "TYPEDEF", "CONST", "VOLATILE", "RESTRICT", "TYPE_TAG" -> size(types, t.get("type_id").asLong());
            case "ARRAY" -> t.get("nr_elems").asLong() * size(types, t.get("type_id").asLong());
            case "PTR" -> 8;
            default -> t.get("size").asLong();
        };
    }
}
