package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_policy_state, what is loaded and what matching could not do (the mmap-able policy_state map): a typed accessor per field, each a handle or an offset resolved once from the named
 * layout (TrackerStructs.RT_POLICY_STATE).
 */
public final class PolicyStateRecord {
    private static final VarHandle POLICIES = TrackerStructs.RT_POLICY_STATE.field("policies");
    private static final VarHandle NEXT_ID = TrackerStructs.RT_POLICY_STATE.field("next_id");
    private static final VarHandle HELD = TrackerStructs.RT_POLICY_STATE.field("held");
    private static final VarHandle REFUSED = TrackerStructs.RT_POLICY_STATE.field("refused");
    private static final VarHandle NOTICES = TrackerStructs.RT_POLICY_STATE.field("notices");

    private PolicyStateRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return TrackerStructs.RT_POLICY_STATE.allocate(arena);
    }

    public static int policies(MemorySegment s) {
        return (int) POLICIES.get(s);
    }

    public static void setPolicies(MemorySegment s, int value) {
        POLICIES.set(s, value);
    }

    /** A volatile read: user space's counter, in the mapped segment. */
    public static int nextId(MemorySegment s) {
        return (int) NEXT_ID.getVolatile(s);
    }

    public static void setNextId(MemorySegment s, int value) {
        NEXT_ID.setVolatile(s, value);
    }

    public static long held(MemorySegment s) {
        return (long) HELD.get(s);
    }

    public static void setHeld(MemorySegment s, long value) {
        HELD.set(s, value);
    }

    public static long refused(MemorySegment s) {
        return (long) REFUSED.get(s);
    }

    public static void setRefused(MemorySegment s, long value) {
        REFUSED.set(s, value);
    }

    public static long notices(MemorySegment s) {
        return (long) NOTICES.get(s);
    }

    public static void setNotices(MemorySegment s, long value) {
        NOTICES.set(s, value);
    }

    /** Adds n to policies atomically (on the mapped segment); returns the value before. */
    public static int addPolicies(MemorySegment shared, int n) {
        return (int) POLICIES.getAndAdd(shared, n);
    }
}
