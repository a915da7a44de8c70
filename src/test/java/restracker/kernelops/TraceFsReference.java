package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An independent count of the kernel's kmalloc and kfree events: a tracefs instance of its own
 * (/sys/kernel/tracing/instances/NAME) that records kmem:kmalloc for the given threads and
 * kmem:kfree for everyone, then pairs frees with allocations in the order the kernel logged them,
 * exactly as the tracer defines kfree_mem: a free by one of the threads adds the size of the
 * block if one of them allocated it and nobody freed it since.
 */
final class TraceFsReference implements AutoCloseable {
    private static final Path INSTANCES = Path.of("/sys/kernel/tracing/instances");
    private static final Pattern EVENT = Pattern.compile(
            "^\\s*.*-(\\d+)\\s+\\[\\d+\\]\\s+\\S+\\s+[\\d.]+: (kmalloc|kfree): .*?ptr=(\\S+)(?: bytes_req=(\\d+))?.*$");

    /** The counts of the four kmem counters over the recorded window. */
    record Counts(long kmalloc, long kfree, long kmallocMem, long kfreeMem) {}

    private final Path dir;
    private final Set<Integer> tids;

    private TraceFsReference(Path dir, Set<Integer> tids) {
        this.dir = dir;
        this.tids = tids;
    }

    /** Starts recording; tids are all the threads of the measured process. */
    static TraceFsReference start(List<Integer> tids) {
        Path dir = INSTANCES.resolve("restracker-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Files.createDirectory(dir);
            TraceFsReference ref = new TraceFsReference(dir, Set.copyOf(tids));
            write(dir.resolve("buffer_size_kb"), "32768"); // per CPU: every kfree of the machine is recorded
            write(dir.resolve("events/kmem/kmalloc/filter"),
                    tids.stream().map(t -> "common_pid == " + t).collect(Collectors.joining(" || ")));
            write(dir.resolve("events/kmem/kmalloc/enable"), "1");
            write(dir.resolve("events/kmem/kfree/enable"), "1");
            return ref;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the tracefs instance " + dir, e);
        }
    }

    /** Stops recording and counts what the threads did. */
    Counts stop() {
        try {
            write(dir.resolve("events/kmem/kmalloc/enable"), "0");
            write(dir.resolve("events/kmem/kfree/enable"), "0");
            assertNothingLost();
            long kmalloc = 0, kfree = 0, kmallocMem = 0, kfreeMem = 0;
            Map<String, Long> outstanding = new HashMap<>();
            try (BufferedReader in = Files.newBufferedReader(dir.resolve("trace"))) {
                for (String line; (line = in.readLine()) != null; ) {
                    Matcher m = EVENT.matcher(line);
                    if (!m.matches()) continue;
                    boolean ours = tids.contains(Integer.parseInt(m.group(1)));
                    String ptr = m.group(3);
                    if (m.group(2).equals("kmalloc")) {
                        if (!ours) continue; // the filter already keeps only ours
                        long size = Long.parseLong(m.group(4));
                        kmalloc++;
                        kmallocMem += size;
                        if (!isNull(ptr)) outstanding.put(ptr, size);
                    } else {
                        Long size = outstanding.remove(ptr);
                        if (!ours) continue;
                        kfree++;
                        if (size != null) kfreeMem += size;
                    }
                }
            }
            return new Counts(kmalloc, kfree, kmallocMem, kfreeMem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isNull(String ptr) {
        return ptr.equals("(null)") || ptr.chars().allMatch(c -> c == '0');
    }

    /** The reference is only exact if the ring buffer kept every event. */
    private void assertNothingLost() throws IOException {
        try (Stream<Path> cpus = Files.list(dir.resolve("per_cpu"))) {
            for (Path cpu : cpus.toList()) {
                for (String line : Files.readAllLines(cpu.resolve("stats"))) {
                    if (line.startsWith("overrun:") || line.startsWith("dropped events:")) {
                        assertEquals("0", line.substring(line.indexOf(':') + 1).strip(),
                                "the tracefs reference lost events on " + cpu.getFileName() + ": " + line);
                    }
                }
            }
        }
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    @Override
    public void close() {
        try {
            write(dir.resolve("events/kmem/enable"), "0");
        } catch (IOException ignored) {
            // already gone
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the tracefs instance " + dir, e);
        }
    }
}
