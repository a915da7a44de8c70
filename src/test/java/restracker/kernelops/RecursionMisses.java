package restracker.kernelops;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import restracker.testing.BpfMaps;

/**
 * How often the kernel skipped a pinned link's program because that program was already running
 * on the CPU (an interrupt's kfree inside the kfree program, say): the program's
 * {@code recursion_misses}, as bpftool reads them from the kernel. An event the program missed is
 * an event the tracer did not count, so a window with misses bounds the counts from below only.
 */
final class RecursionMisses {
    private RecursionMisses() {}

    static long of(Path pinnedLink) {
        JsonNode link = BpfMaps.bpftool("link", "show", "pinned", pinnedLink.toString());
        JsonNode prog = BpfMaps.bpftool("prog", "show", "id", link.get("prog_id").asText());
        JsonNode misses = prog.get("recursion_misses");
        return misses == null ? 0 : misses.asLong();
    }
}
