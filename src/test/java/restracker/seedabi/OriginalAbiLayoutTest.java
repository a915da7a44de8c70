package restracker.seedabi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import restracker.testing.Child;

/**
 * What restracker writes for fetch, read back by C through `struct per_proc_resource` exactly as
 * the original test program declares it; and the tracer's ioctl numbers as C's _IOW makes them.
 */
class OriginalAbiLayoutTest {
    @Test
    void theFetchRecordIsTheOriginalStruct(@TempDir Path dir) throws Exception {
        String original;
        try (InputStream in = OriginalAbiLayoutTest.class.getResourceAsStream(OriginalPrograms.ORIGINAL_TEST + ".c")) {
            original = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("struct per_proc_resource \\{.*?\\};", Pattern.DOTALL).matcher(original);
        assertTrue(m.find(), "the original program declares struct per_proc_resource");
        Path c = dir.resolve("layout.c");
        Files.writeString(c, "#include <stdio.h>\n#include <unistd.h>\n#include <sys/ioctl.h>\n" + m.group() + "\n" + """
                int main(void)
                {
                	struct per_proc_resource s;
                	if (read(0, &s, sizeof(s)) != sizeof(s))
                		return 1;
                	printf("%zu %d %lu %lu %ld %ld %lx %lx\\n", sizeof(s), s.pid, s.heapsize, s.openfile_count,
                	       (long)s.heapsize_quota, (long)s.openfile_quota,
                	       (unsigned long)_IOW(_IOC_WRITE, 42, pid_t), (unsigned long)_IOW(_IOC_WRITE, 43, pid_t));
                	return 0;
                }
                """);
        Path bin = dir.resolve("layout");
        Child.Output built = Child.run(new ProcessBuilder("gcc", "-o", bin.toString(), c.toString()).redirectErrorStream(true),
                "gcc", Duration.ofSeconds(60));
        assertEquals(0, built.status(), built.out());
        byte[] record = new FetchRecord(4242, 20, 3, 40, -1).bytes();
        assertEquals(FetchRecord.SIZE, record.length);
        Path input = Files.write(dir.resolve("record"), record);
        Child.Output read = Child.run(new ProcessBuilder(bin.toString()).redirectInput(input.toFile()), "layout",
                Duration.ofSeconds(10));
        assertEquals(0, read.status(), read.err());
        assertEquals("40 4242 20 3 40 -1 " + Integer.toHexString(TracerDevice.ADD_PROCESS) + " "
                + Integer.toHexString(TracerDevice.REMOVE_PROCESS) + "\n", read.out());
    }
}
