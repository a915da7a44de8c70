package restracker.kernelops;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import restracker.kernel.Struct;

/**
 * struct rt_kernelops_info (KernelOpsStructs.RT_KERNELOPS_INFO), how the pinned lock-counter hooks were set up:
 * typed accessors, each a handle or an offset resolved once from the named layout.
 */
final class KernelOpsInfoRecord {
    private static final VarHandle READY = KernelOpsStructs.RT_KERNELOPS_INFO.field("ready");
    private static final VarHandle UP_HOOK = KernelOpsStructs.RT_KERNELOPS_INFO.field("up_hook");
    private static final VarHandle DOWN_HOOK = KernelOpsStructs.RT_KERNELOPS_INFO.field("down_hook");
    private static final VarHandle LOCK_HOOK = KernelOpsStructs.RT_KERNELOPS_INFO.field("lock_hook");
    private static final VarHandle UNLOCK_HOOK = KernelOpsStructs.RT_KERNELOPS_INFO.field("unlock_hook");
    private static final Struct.Text LOCK_FUNCTION = KernelOpsStructs.RT_KERNELOPS_INFO.text("lock_function");
    private static final Struct.Text REASON = KernelOpsStructs.RT_KERNELOPS_INFO.text("reason");

    private KernelOpsInfoRecord() {}

    static int ready(MemorySegment s) {
        return (int) READY.get(s);
    }

    static void setReady(MemorySegment s, int value) {
        READY.set(s, value);
    }

    static int upHook(MemorySegment s) {
        return (int) UP_HOOK.get(s);
    }

    static void setUpHook(MemorySegment s, int value) {
        UP_HOOK.set(s, value);
    }

    static int downHook(MemorySegment s) {
        return (int) DOWN_HOOK.get(s);
    }

    static void setDownHook(MemorySegment s, int value) {
        DOWN_HOOK.set(s, value);
    }

    static int lockHook(MemorySegment s) {
        return (int) LOCK_HOOK.get(s);
    }

    static void setLockHook(MemorySegment s, int value) {
        LOCK_HOOK.set(s, value);
    }

    static int unlockHook(MemorySegment s) {
        return (int) UNLOCK_HOOK.get(s);
    }

    static void setUnlockHook(MemorySegment s, int value) {
        UNLOCK_HOOK.set(s, value);
    }

    static String lockFunction(MemorySegment s) {
        return LOCK_FUNCTION.get(s);
    }

    /** Truncated to what the field holds with its NUL. */
    static void setLockFunction(MemorySegment s, String value) {
        LOCK_FUNCTION.set(s, value);
    }

    static String reason(MemorySegment s) {
        return REASON.get(s);
    }

    /** Truncated to what the field holds with its NUL. */
    static void setReason(MemorySegment s, String value) {
        REASON.set(s, value);
    }
}
