package restracker.kernelops;

/**
 * Where a counter's events come from on the running kernel: a tracepoint, an fentry or kprobe
 * hook on a kernel function, or nothing (then the counter is not measured and shows as "-" or
 * null, never 0).
 *
 * @param counter the counter
 * @param hook how it is hooked
 * @param target the tracepoint ("kmem:kmalloc") or kernel function ("mutex_lock"); empty for NONE
 * @param reason why it is not measured (NONE), else empty
 */
public record CounterSource(Counter counter, Hook hook, String target, String reason) {

    public enum Hook {
        TRACEPOINT, FENTRY, KPROBE, NONE;

        public String label() {
            return this == TRACEPOINT ? "raw_tp" : name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean measured() {
        return hook != Hook.NONE;
    }

    /** "fentry mutex_lock", "raw_tp kmem:kmalloc", or "not measured: <reason>". */
    public String describe() {
        return measured() ? hook.label() + " " + target : "not measured: " + reason;
    }
}
