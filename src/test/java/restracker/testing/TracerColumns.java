package restracker.testing;

import java.util.Arrays;
import java.util.List;

/** The tracer's table as the tracer module it replaces printed it: its header, byte for byte, and the columns it names. */
public final class TracerColumns {
    public static final String HEADER = "PID   kmalloc kfree kmalloc_mem kfree_mem  sched   up     down  lock   unlock";

    private TracerColumns() {}

    /** The counters' columns, in the header's order, read from the header's own words (PID left out). */
    public static List<String> counters() {
        List<String> words = Arrays.asList(HEADER.split("\\s+"));
        return words.subList(1, words.size());
    }
}
