package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_object (TrackerStructs.RT_OBJECT), a tracked process's mm or fd table: a typed accessor per
 * field user space reads, each a handle resolved once from the named layout.
 */
public final class ObjectRecord {
    private static final VarHandle TGID = TrackerStructs.RT_OBJECT.field("tgid");

    private ObjectRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return TrackerStructs.RT_OBJECT.allocate(arena);
    }

    public static int tgid(MemorySegment s) {
        return (int) TGID.get(s);
    }
}
