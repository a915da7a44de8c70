package restracker.kernelops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_kernelops_entry (KernelOpsStructs.RT_KERNELOPS_ENTRY), one traced process: a typed accessor per field
 * user space reads or writes, each a handle resolved once from the named layout.
 */
public final class KernelOpsEntryRecord {
    private static final VarHandle PID = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("pid");
    private static final VarHandle START_TICKS = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("start_ticks");
    private static final VarHandle ADDED_NS = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("added_ns");
    private static final VarHandle KMALLOC = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("kmalloc");
    private static final VarHandle KFREE = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("kfree");
    private static final VarHandle KMALLOC_MEM = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("kmalloc_mem");
    private static final VarHandle KFREE_MEM = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("kfree_mem");
    private static final VarHandle SCHED = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("sched");
    private static final VarHandle UP = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("up");
    private static final VarHandle DOWN = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("down");
    private static final VarHandle LOCK = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("lock");
    private static final VarHandle UNLOCK = KernelOpsStructs.RT_KERNELOPS_ENTRY.field("unlock");

    private KernelOpsEntryRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return KernelOpsStructs.RT_KERNELOPS_ENTRY.allocate(arena);
    }

    public static int pid(MemorySegment s) {
        return (int) PID.get(s);
    }

    public static void setPid(MemorySegment s, int value) {
        PID.set(s, value);
    }

    public static long startTicks(MemorySegment s) {
        return (long) START_TICKS.get(s);
    }

    public static void setStartTicks(MemorySegment s, long value) {
        START_TICKS.set(s, value);
    }

    public static void setAddedNs(MemorySegment s, long value) {
        ADDED_NS.set(s, value);
    }

    public static long kmalloc(MemorySegment s) {
        return (long) KMALLOC.get(s);
    }

    public static long kfree(MemorySegment s) {
        return (long) KFREE.get(s);
    }

    public static long kmallocMem(MemorySegment s) {
        return (long) KMALLOC_MEM.get(s);
    }

    public static long kfreeMem(MemorySegment s) {
        return (long) KFREE_MEM.get(s);
    }

    public static long sched(MemorySegment s) {
        return (long) SCHED.get(s);
    }

    public static long up(MemorySegment s) {
        return (long) UP.get(s);
    }

    public static long down(MemorySegment s) {
        return (long) DOWN.get(s);
    }

    public static long lock(MemorySegment s) {
        return (long) LOCK.get(s);
    }

    public static long unlock(MemorySegment s) {
        return (long) UNLOCK.get(s);
    }
}
