package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * C expressions (sizeof, offsetof, macros of the system headers; _GNU_SOURCE defined) as the C compiler evaluates them:
 * a small program that includes the headers and prints each, built with gcc and run. The
 * expectation for a layout the Java side writes by hand comes from here, not from the Java side.
 */
public final class CExpressions {
    private CExpressions() {}

    /** Each expression's value, by the expression's text, after including headers. */
    public static Map<String, Long> evaluate(List<String> headers, List<String> expressions) throws IOException {
        Path dir = Files.createTempDirectory("restracker-cexpr-");
        Path source = dir.resolve("expressions.c"), binary = dir.resolve("expressions");
        try {
            StringBuilder c = new StringBuilder("#define _GNU_SOURCE\n#include <stdio.h>\n#include <stddef.h>\n");
            for (String h : headers) c.append("#include <").append(h).append(">\n");
            c.append("int main(void) {\n");
            for (String e : expressions) c.append("    printf(\"%lld\\n\", (long long) (").append(e).append("));\n");
            c.append("    return 0;\n}\n");
            Files.writeString(source, c);
            Child.Output cc = Child.run(new ProcessBuilder("gcc", "-Wall", "-Werror", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true), "gcc " + source, Duration.ofSeconds(60));
            assertEquals(0, cc.status(), cc.out() + "\n" + c);
            Child.Output run = Child.run(new ProcessBuilder(binary.toString()), binary.toString(), Duration.ofSeconds(30));
            assertEquals(0, run.status(), run.err());
            String[] lines = run.out().strip().split("\n");
            assertEquals(expressions.size(), lines.length, run.out());
            Map<String, Long> values = new LinkedHashMap<>();
            for (int i = 0; i < lines.length; i++) values.put(expressions.get(i), Long.parseLong(lines[i]));
            return values;
        } finally {
            Files.deleteIfExists(binary);
            Files.deleteIfExists(source);
            Files.deleteIfExists(dir);
        }
    }
}
