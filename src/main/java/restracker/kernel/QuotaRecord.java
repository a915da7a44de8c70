package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_quota (TrackerStructs.RT_QUOTA), one entity's quota layers: a typed accessor per field user
 * space reads or writes, each a handle resolved once from the named layout.
 */
public final class QuotaRecord {
    private static final VarHandle HEAP = TrackerStructs.RT_QUOTA.field("heap");
    private static final VarHandle FILES = TrackerStructs.RT_QUOTA.field("files");
    private static final VarHandle LOG = TrackerStructs.RT_QUOTA.field("log");
    private static final VarHandle LAYERS = TrackerStructs.RT_QUOTA.field("layers");
    private static final VarHandle ROOT_HEAP = TrackerStructs.RT_QUOTA.field("root_heap");
    private static final VarHandle ROOT_FILES = TrackerStructs.RT_QUOTA.field("root_files");
    private static final VarHandle USER_HEAP = TrackerStructs.RT_QUOTA.field("user_heap");
    private static final VarHandle USER_FILES = TrackerStructs.RT_QUOTA.field("user_files");
    private static final VarHandle USER_UID = TrackerStructs.RT_QUOTA.field("user_uid");
    private static final VarHandle USER_LOG = TrackerStructs.RT_QUOTA.field("user_log");

    private QuotaRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return TrackerStructs.RT_QUOTA.allocate(arena);
    }

    public static void setHeap(MemorySegment s, long value) {
        HEAP.set(s, value);
    }

    public static void setFiles(MemorySegment s, long value) {
        FILES.set(s, value);
    }

    public static void setLog(MemorySegment s, int value) {
        LOG.set(s, value);
    }

    public static int layers(MemorySegment s) {
        return (int) LAYERS.get(s);
    }

    public static void setLayers(MemorySegment s, int value) {
        LAYERS.set(s, value);
    }

    public static long rootHeap(MemorySegment s) {
        return (long) ROOT_HEAP.get(s);
    }

    public static void setRootHeap(MemorySegment s, long value) {
        ROOT_HEAP.set(s, value);
    }

    public static long rootFiles(MemorySegment s) {
        return (long) ROOT_FILES.get(s);
    }

    public static void setRootFiles(MemorySegment s, long value) {
        ROOT_FILES.set(s, value);
    }

    public static long userHeap(MemorySegment s) {
        return (long) USER_HEAP.get(s);
    }

    public static void setUserHeap(MemorySegment s, long value) {
        USER_HEAP.set(s, value);
    }

    public static long userFiles(MemorySegment s) {
        return (long) USER_FILES.get(s);
    }

    public static void setUserFiles(MemorySegment s, long value) {
        USER_FILES.set(s, value);
    }

    public static int userUid(MemorySegment s) {
        return (int) USER_UID.get(s);
    }

    public static void setUserUid(MemorySegment s, int value) {
        USER_UID.set(s, value);
    }

    public static int userLog(MemorySegment s) {
        return (int) USER_LOG.get(s);
    }

    public static void setUserLog(MemorySegment s, int value) {
        USER_LOG.set(s, value);
    }
}
