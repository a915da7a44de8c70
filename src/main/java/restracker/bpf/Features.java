package restracker.bpf;

import java.lang.foreign.MemorySegment;

/** Asks the running kernel, through libbpf's probes, what BPF may do here (for `doctor`). */
public final class Features {
    public static final int PROG_KPROBE = 2, PROG_TRACEPOINT = 5, PROG_RAW_TRACEPOINT = 17;
    public static final int HELPER_SEND_SIGNAL = 109, HELPER_KTIME_GET_BOOT_NS = 125, HELPER_LOOP = 181;

    private Features() {}

    /** 1 supported, 0 refused, negative errno when the probe itself failed. */
    public static int programType(int type) {
        try {
            return (int) Libbpf.PROBE_PROG_TYPE.invokeExact(type, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int helper(int programType, int helper) {
        try {
            return (int) Libbpf.PROBE_HELPER.invokeExact(programType, helper, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static String libbpfVersion() {
        return Libbpf.version();
    }
}
