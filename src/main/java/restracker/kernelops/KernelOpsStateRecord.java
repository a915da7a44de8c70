package restracker.kernelops;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_kernelops_state (KernelOpsStructs.RT_KERNELOPS_STATE), the counters shared with the tracer's BPF side
 * through the mmap-able `state` map: typed atomic accessors on the mapped segment, each a handle
 * resolved once from the named layout.
 */
final class KernelOpsStateRecord {
    private static final VarHandle TRACED = KernelOpsStructs.RT_KERNELOPS_STATE.field("traced");
    private static final VarHandle ALLOCS_LIVE = KernelOpsStructs.RT_KERNELOPS_STATE.field("allocs_live");
    private static final VarHandle ALLOCS_DROPPED = KernelOpsStructs.RT_KERNELOPS_STATE.field("allocs_dropped");

    private KernelOpsStateRecord() {}

    /** Adds n to traced atomically; returns the value before. */
    static long addTraced(MemorySegment shared, long n) {
        return (long) TRACED.getAndAdd(shared, n);
    }

    static void setTraced(MemorySegment shared, long value) {
        TRACED.setVolatile(shared, value);
    }

    static void setAllocsLive(MemorySegment shared, long value) {
        ALLOCS_LIVE.setVolatile(shared, value);
    }

    static long allocsDropped(MemorySegment shared) {
        return (long) ALLOCS_DROPPED.getVolatile(shared);
    }
}
