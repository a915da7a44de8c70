package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemoryLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import restracker.kernel.Struct;

/**
 * The C side as compiled into a BPF object, read from the object's BTF with bpftool: a Java record
 * layout compared with its C struct (field names, order, offsets and size), and the values of the
 * object's enum constants.
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

    public static void assertMatches(Struct record, String btf) {
        Map<String, Long> c = memberOffsets(record.cName(), btf);
        assertEquals(record.size(), structSize(record.cName(), btf), "size of " + record.cName());
        Map<String, Long> java = new LinkedHashMap<>();
        record.layout().memberLayouts().stream().map(MemoryLayout::name)
                .forEach(n -> java.put(n.orElseThrow(), record.offset(n.get())));
        assertEquals(List.copyOf(c.entrySet()), List.copyOf(java.entrySet()), record.cName());
    }

    /** The size in bytes of struct cName in the BTF dump btf. */
    public static long structSize(String cName, String btf) {
        Matcher head = structHead(cName, btf);
        return Long.parseLong(head.group(1));
    }

    /** Each member of struct cName in the BTF dump btf, in order, with its offset in bytes. */
    public static Map<String, Long> memberOffsets(String cName, String btf) {
        Matcher head = structHead(cName, btf);
        Matcher m = Pattern.compile("\\t'(\\w+)' type_id=\\d+ bits_offset=(\\d+)\\n").matcher(btf);
        m.region(head.end(), btf.length());
        Map<String, Long> members = new LinkedHashMap<>();
        for (int i = 0; i < Integer.parseInt(head.group(2)); i++) {
            assertTrue(m.lookingAt(), "member " + i + " of " + cName);
            members.put(m.group(1), Long.parseLong(m.group(2)) / 8);
            m.region(m.end(), btf.length());
        }
        return members;
    }

    private static Matcher structHead(String cName, String btf) {
        Matcher head = Pattern.compile("STRUCT '" + cName + "' size=(\\d+) vlen=(\\d+)\\n").matcher(btf);
        assertTrue(head.find(), "struct " + cName + " is in the BTF");
        return head;
    }
}
