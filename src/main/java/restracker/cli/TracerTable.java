package restracker.cli;

import java.util.ArrayList;
import java.util.List;
import restracker.kernelops.Counter;
import restracker.kernelops.TracedProcess;

/** The /proc/tracer table of the tracer module restracker replaces, and the same as JSON. */
final class TracerTable {
    /** That table's header, byte for byte; values start under the first letter of their column. */
    static final String HEADER = "PID   kmalloc kfree kmalloc_mem kfree_mem  sched   up     down  lock   unlock";
    private static final int[] STARTS = starts();

    private TracerTable() {}

    private static int[] starts() {
        String[] names = HEADER.trim().split("\\s+");
        int[] starts = new int[names.length];
        int from = 0;
        for (int i = 0; i < names.length; i++) {
            starts[i] = HEADER.indexOf(names[i], from);
            from = starts[i] + names[i].length();
        }
        return starts;
    }

    /** The header and one row per process; "-" for a counter this kernel does not measure. */
    static String text(List<TracedProcess> processes) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (TracedProcess p : processes) {
            List<String> cells = new ArrayList<>();
            cells.add(Integer.toString(p.pid()));
            for (Counter c : Counter.values()) {
                var v = p.get(c);
                cells.add(v.isPresent() ? Long.toString(v.getAsLong()) : "-");
            }
            out.append(row(cells)).append('\n');
        }
        return out.toString();
    }

    /** Cells left-aligned at the header's column starts, pushed right (one space apart) when too wide. */
    static String row(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0 && sb.length() >= STARTS[i]) sb.append(' ');
            while (sb.length() < STARTS[i]) sb.append(' ');
            sb.append(cells.get(i));
        }
        return sb.toString();
    }
}
