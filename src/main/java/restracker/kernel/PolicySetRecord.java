package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * struct rt_policy_set (TrackerStructs.RT_POLICY_SET), the policies indexed under one selector key
 * (the value of policy_exe, policy_cgroup and policy_uid): typed accessors, each a handle or an
 * offset resolved once from the named layout.
 */
public final class PolicySetRecord {
    private static final VarHandle COUNT = TrackerStructs.RT_POLICY_SET.field("count");
    private static final long IDS = TrackerStructs.RT_POLICY_SET.offset("ids");
    private static final long CAPACITY = TrackerStructs.RT_POLICY_SET.elementCount("ids");

    private PolicySetRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return TrackerStructs.RT_POLICY_SET.allocate(arena);
    }

    public static void setCount(MemorySegment s, int value) {
        COUNT.set(s, value);
    }

    /** Writes ids at the head of the array (the rest is left as it is); more than it holds is refused. */
    public static void setIds(MemorySegment s, int[] ids) {
        if (ids.length > CAPACITY) {
            throw new IllegalArgumentException(ids.length + " policy ids: a policy set holds at most " + CAPACITY);
        }
        MemorySegment.copy(ids, 0, s, ValueLayout.JAVA_INT, IDS, ids.length);
    }
}
