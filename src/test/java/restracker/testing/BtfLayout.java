package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemoryLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import restracker.kernel.Struct;

/**
 * Compares a Java record layout with the C struct as compiled into a BPF object: field names,
 * order, offsets and size, read from the object's BTF with bpftool.
 */
public final class BtfLayout {
    private record Member(String name, long offset) {}

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

    public static void assertMatches(Struct record, String btf) {
        Matcher head = Pattern.compile("STRUCT '" + record.cName() + "' size=(\\d+) vlen=(\\d+)\\n").matcher(btf);
        assertTrue(head.find(), "struct " + record.cName() + " is in the BTF");
        assertEquals(record.size(), Long.parseLong(head.group(1)), "size of " + record.cName());
        Matcher m = Pattern.compile("\\t'(\\w+)' type_id=\\d+ bits_offset=(\\d+)\\n").matcher(btf);
        m.region(head.end(), btf.length());
        List<Member> c = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(head.group(2)); i++) {
            assertTrue(m.lookingAt(), "member " + i + " of " + record.cName());
            c.add(new Member(m.group(1), Long.parseLong(m.group(2)) / 8));
            m.region(m.end(), btf.length());
        }
        List<Member> java = record.layout().memberLayouts().stream().map(MemoryLayout::name)
                .map(n -> new Member(n.orElseThrow(), record.offset(n.get()))).toList();
        assertEquals(c, java, record.cName());
    }
}
