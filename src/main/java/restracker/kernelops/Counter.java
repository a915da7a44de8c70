package restracker.kernelops;

import java.util.Locale;

/** The tracer's counters, in the order of its table's columns. */
public enum Counter {
    KMALLOC, KFREE, KMALLOC_MEM, KFREE_MEM, SCHED, UP, DOWN, LOCK, UNLOCK;

    /** The column and JSON name: "kmalloc", "kfree_mem", ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** up, down, lock and unlock need fentry or kprobes; the others come from tracepoints. */
    public boolean needsFunctionHook() {
        return ordinal() >= UP.ordinal();
    }
}
