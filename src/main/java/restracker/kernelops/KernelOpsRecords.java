package restracker.kernelops;

/**
 * The enum constants of bpf/kernelops.h (RT_KERNELOPS_NAME here NAME), which ContractConstantsTest
 * compares with the BTF of the built objects so that the two sides cannot drift apart. The records'
 * layouts are generated from that BTF (KernelOpsStructs); their accessors are KernelOpsEntryRecord,
 * KernelOpsStateRecord and KernelOpsInfoRecord.
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

    private KernelOpsRecords() {}
}
