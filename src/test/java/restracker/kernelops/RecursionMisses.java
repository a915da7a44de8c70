package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import restracker.testing.Child;
import restracker.testing.JsonTree;

/**
 * How often the kernel skipped a pinned link's program because that program was already running
 * on the CPU (an interrupt's kfree inside the kfree program, say): the program's
 * {@code recursion_misses}, as bpftool reads them from the kernel. An event the program missed is
 * an event the tracer did not count, so a window with misses bounds the counts from below only.
 */
final class RecursionMisses {
    private RecursionMisses() {}

    static long of(Path pinnedLink) {
        JsonNode link = bpftool("link", "show", "pinned", pinnedLink.toString());
        JsonNode prog = bpftool("prog", "show", "id", link.get("prog_id").asText());
        JsonNode misses = prog.get("recursion_misses");
        return misses == null ? 0 : misses.asLong();
    }

    private static JsonNode bpftool(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "bpftool";
        command[1] = "-j";
        System.arraycopy(args, 0, command, 2, args.length);
        Child.Output o = Child.run(new ProcessBuilder(command), String.join(" ", command), Duration.ofSeconds(60));
        assertEquals(0, o.status(), String.join(" ", command) + ": " + o.err());
        return JsonTree.parse(o.out());
    }
}
