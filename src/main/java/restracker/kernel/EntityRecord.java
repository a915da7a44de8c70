package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_entity (TrackerStructs.RT_ENTITY), one tracked process or thread: a typed accessor per field
 * user space reads or writes, each a handle resolved once from the named layout.
 */
public final class EntityRecord {
    private static final VarHandle ID = TrackerStructs.RT_ENTITY.field("id");
    private static final VarHandle TGID = TrackerStructs.RT_ENTITY.field("tgid");
    private static final VarHandle SCOPE = TrackerStructs.RT_ENTITY.field("scope");
    private static final VarHandle FLAGS = TrackerStructs.RT_ENTITY.field("flags");
    private static final VarHandle START_TICKS = TrackerStructs.RT_ENTITY.field("start_ticks");
    private static final VarHandle BASE_HEAP = TrackerStructs.RT_ENTITY.field("base_heap");
    private static final VarHandle BASE_FILES = TrackerStructs.RT_ENTITY.field("base_files");
    private static final VarHandle HEAP = TrackerStructs.RT_ENTITY.field("heap");
    private static final VarHandle FILES = TrackerStructs.RT_ENTITY.field("files");
    private static final VarHandle OWNER_UID = TrackerStructs.RT_ENTITY.field("owner_uid");
    private static final VarHandle REGISTERED_NS = TrackerStructs.RT_ENTITY.field("registered_ns");
    private static final VarHandle LOG = TrackerStructs.RT_ENTITY.field("log");
    private static final VarHandle MM_KEY = TrackerStructs.RT_ENTITY.field("mm_key");
    private static final VarHandle FILES_KEY = TrackerStructs.RT_ENTITY.field("files_key");
    private static final VarHandle VM_DATA = TrackerStructs.RT_ENTITY.field("vm_data");
    private static final VarHandle VM_STACK = TrackerStructs.RT_ENTITY.field("vm_stack");
    private static final VarHandle POLICY = TrackerStructs.RT_ENTITY.field("policy");
    private static final VarHandle POLICY_FLAGS = TrackerStructs.RT_ENTITY.field("policy_flags");
    private static final VarHandle HEAP_POLICY = TrackerStructs.RT_ENTITY.field("heap_policy");
    private static final VarHandle FILES_POLICY = TrackerStructs.RT_ENTITY.field("files_policy");
    private static final VarHandle HEAP_WARN = TrackerStructs.RT_ENTITY.field("heap_warn");
    private static final VarHandle FILES_WARN = TrackerStructs.RT_ENTITY.field("files_warn");

    private EntityRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return TrackerStructs.RT_ENTITY.allocate(arena);
    }

    public static int id(MemorySegment s) {
        return (int) ID.get(s);
    }

    public static void setId(MemorySegment s, int value) {
        ID.set(s, value);
    }

    public static int tgid(MemorySegment s) {
        return (int) TGID.get(s);
    }

    public static void setTgid(MemorySegment s, int value) {
        TGID.set(s, value);
    }

    public static int scope(MemorySegment s) {
        return (int) SCOPE.get(s);
    }

    public static void setScope(MemorySegment s, int value) {
        SCOPE.set(s, value);
    }

    public static int flags(MemorySegment s) {
        return (int) FLAGS.get(s);
    }

    public static void setFlags(MemorySegment s, int value) {
        FLAGS.set(s, value);
    }

    public static long startTicks(MemorySegment s) {
        return (long) START_TICKS.get(s);
    }

    public static void setStartTicks(MemorySegment s, long value) {
        START_TICKS.set(s, value);
    }

    public static long baseHeap(MemorySegment s) {
        return (long) BASE_HEAP.get(s);
    }

    public static void setBaseHeap(MemorySegment s, long value) {
        BASE_HEAP.set(s, value);
    }

    public static long baseFiles(MemorySegment s) {
        return (long) BASE_FILES.get(s);
    }

    public static void setBaseFiles(MemorySegment s, long value) {
        BASE_FILES.set(s, value);
    }

    public static long heap(MemorySegment s) {
        return (long) HEAP.get(s);
    }

    public static long files(MemorySegment s) {
        return (long) FILES.get(s);
    }

    public static int ownerUid(MemorySegment s) {
        return (int) OWNER_UID.get(s);
    }

    public static void setOwnerUid(MemorySegment s, int value) {
        OWNER_UID.set(s, value);
    }

    public static void setRegisteredNs(MemorySegment s, long value) {
        REGISTERED_NS.set(s, value);
    }

    public static int log(MemorySegment s) {
        return (int) LOG.get(s);
    }

    public static void setLog(MemorySegment s, int value) {
        LOG.set(s, value);
    }

    public static long mmKey(MemorySegment s) {
        return (long) MM_KEY.get(s);
    }

    public static long filesKey(MemorySegment s) {
        return (long) FILES_KEY.get(s);
    }

    public static long vmData(MemorySegment s) {
        return (long) VM_DATA.get(s);
    }

    public static void setVmData(MemorySegment s, long value) {
        VM_DATA.set(s, value);
    }

    public static long vmStack(MemorySegment s) {
        return (long) VM_STACK.get(s);
    }

    public static void setVmStack(MemorySegment s, long value) {
        VM_STACK.set(s, value);
    }

    public static int policy(MemorySegment s) {
        return (int) POLICY.get(s);
    }

    public static void setPolicy(MemorySegment s, int value) {
        POLICY.set(s, value);
    }

    public static int policyFlags(MemorySegment s) {
        return (int) POLICY_FLAGS.get(s);
    }

    public static void setPolicyFlags(MemorySegment s, int value) {
        POLICY_FLAGS.set(s, value);
    }

    public static int heapPolicy(MemorySegment s) {
        return (int) HEAP_POLICY.get(s);
    }

    public static void setHeapPolicy(MemorySegment s, int value) {
        HEAP_POLICY.set(s, value);
    }

    public static int filesPolicy(MemorySegment s) {
        return (int) FILES_POLICY.get(s);
    }

    public static void setFilesPolicy(MemorySegment s, int value) {
        FILES_POLICY.set(s, value);
    }

    public static long heapWarn(MemorySegment s) {
        return (long) HEAP_WARN.get(s);
    }

    public static void setHeapWarn(MemorySegment s, long value) {
        HEAP_WARN.set(s, value);
    }

    public static long filesWarn(MemorySegment s) {
        return (long) FILES_WARN.get(s);
    }

    public static void setFilesWarn(MemorySegment s, long value) {
        FILES_WARN.set(s, value);
    }
}
