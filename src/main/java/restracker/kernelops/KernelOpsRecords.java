package restracker.kernelops;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import restracker.kernel.Struct;

/**
 * The records of bpf/kernelops.h, field for field, and its enum constants (RT_KERNELOPS_NAME here NAME);
 * KernelOpsLayoutTest and ContractConstantsTest compare them with the BTF of the built objects so that
 * the two sides cannot drift apart.
 */
public final class KernelOpsRecords {
    /**
     * The layout version the tracer's meta record shows, user space's alone: bump it whenever a
     * pinned map's layout or meaning changes.
     */
    public static final int ABI_VERSION = 2;
    public static final int MAX_PIDS = 16384;
    public static final int MAX_ALLOCS = 65536;
    public static final int HOOK_NONE = 0, HOOK_FENTRY = 1, HOOK_KPROBE = 2;
    public static final int FUNCTION_LEN = 32, REASON_LEN = 192;

    /** struct rt_kernelops_entry: one traced process, key its tgid. */
    public static final Struct ENTRY = Struct.of("rt_kernelops_entry",
            JAVA_INT.withName("pid"), JAVA_INT.withName("pad"), JAVA_LONG.withName("start_ticks"),
            JAVA_LONG.withName("added_ns"), JAVA_LONG.withName("kmalloc"), JAVA_LONG.withName("kfree"),
            JAVA_LONG.withName("kmalloc_mem"), JAVA_LONG.withName("kfree_mem"), JAVA_LONG.withName("sched"),
            JAVA_LONG.withName("up"), JAVA_LONG.withName("down"), JAVA_LONG.withName("lock"),
            JAVA_LONG.withName("unlock"));

    /** struct rt_kernelops_state: counters shared with the BPF side through an mmap-able array. */
    public static final Struct STATE = Struct.of("rt_kernelops_state",
            JAVA_LONG.withName("traced"), JAVA_LONG.withName("allocs_live"), JAVA_LONG.withName("allocs_dropped"),
            JAVA_LONG.withName("stale"), MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("pad"));

    /** struct rt_kernelops_info: how the pinned hooks were set up. */
    public static final Struct INFO = Struct.of("rt_kernelops_info",
            JAVA_INT.withName("ready"), JAVA_INT.withName("up_hook"), JAVA_INT.withName("down_hook"),
            JAVA_INT.withName("lock_hook"), JAVA_INT.withName("unlock_hook"), JAVA_INT.withName("pad"),
            MemoryLayout.sequenceLayout(FUNCTION_LEN, JAVA_BYTE).withName("lock_function"),
            MemoryLayout.sequenceLayout(REASON_LEN, JAVA_BYTE).withName("reason"));

    private KernelOpsRecords() {}
}
