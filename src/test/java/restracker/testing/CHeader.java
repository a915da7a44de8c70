package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RT_* constants of the kernel side's headers (bpf/restracker.h, bpf/meta.h) as the C compiler
 * evaluates them: their definitions taken by the preprocessor (gcc -dM -E), then printed by a small
 * program built from them. Nothing is parsed or computed by hand.
 */
public final class CHeader {
    private static final Pattern DEFINE = Pattern.compile("^#define (RT_[A-Z0-9_]+) (.+)$", Pattern.MULTILINE);
    private static Map<String, Long> values;

    private CHeader() {}

    /** Every object-like RT_ macro of the headers, by name, as a C long long. */
    public static synchronized Map<String, Long> values() throws Exception {
        if (values != null) return values;
        Path dir = Files.createTempDirectory("restracker-cheader-");
        Path source = dir.resolve("constants.c"), binary = dir.resolve("constants");
        try {
            StringBuilder program = new StringBuilder("#include <stdio.h>\n");
            StringBuilder prints = new StringBuilder();
            for (String header : new String[] {"bpf/restracker.h", "bpf/meta.h"}) {
                Child.Output defines = Child.run(new ProcessBuilder("gcc", "-dM", "-E", "-x", "c", header),
                        "gcc -dM -E " + header, Duration.ofSeconds(60));
                assertEquals(0, defines.status(), defines.err());
                Matcher m = DEFINE.matcher(defines.out());
                while (m.find()) {
                    program.append("#define ").append(m.group(1)).append(' ').append(m.group(2)).append('\n');
                    prints.append("    printf(\"").append(m.group(1)).append(" %lld\\n\", (long long) (")
                            .append(m.group(1)).append("));\n");
                }
            }
            program.append("int main(void) {\n").append(prints).append("    return 0;\n}\n");
            Files.writeString(source, program);
            Child.Output cc = Child.run(new ProcessBuilder("gcc", "-Wall", "-Werror", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true), "gcc " + source, Duration.ofSeconds(60));
            assertEquals(0, cc.status(), cc.out() + "\n" + program);
            Child.Output run = Child.run(new ProcessBuilder(binary.toString()), binary.toString(), Duration.ofSeconds(30));
            assertEquals(0, run.status(), run.err());
            Map<String, Long> found = new LinkedHashMap<>();
            for (String line : run.out().strip().split("\n")) {
                String[] nameValue = line.split(" ");
                found.put(nameValue[0], Long.parseLong(nameValue[1]));
            }
            assertTrue(found.containsKey("RT_EVENT_SLOTS") && found.containsKey("RT_MAGIC"), "the headers' constants: " + found);
            values = Map.copyOf(found);
            return values;
        } finally {
            Files.deleteIfExists(binary);
            Files.deleteIfExists(source);
            Files.deleteIfExists(dir);
        }
    }

    /** One RT_ constant; fails if the headers do not define it. */
    public static long value(String name) throws Exception {
        Long v = values().get(name);
        assertTrue(v != null, name + " is defined in bpf/restracker.h or bpf/meta.h: " + values().keySet());
        return v;
    }
}
