package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_policy, one policy as the kernel side matches it: a typed accessor per field, each a handle or an offset resolved once from the named
 * layout (TrackerStructs.RT_POLICY).
 */
public final class PolicyRecord {
    private static final VarHandle ID = TrackerStructs.RT_POLICY.field("id");
    private static final VarHandle SELECTORS = TrackerStructs.RT_POLICY.field("selectors");
    private static final VarHandle FLAGS = TrackerStructs.RT_POLICY.field("flags");
    private static final VarHandle WARN_PERCENT = TrackerStructs.RT_POLICY.field("warn_percent");
    private static final VarHandle EXE_DEV = TrackerStructs.RT_POLICY.field("exe_dev");
    private static final VarHandle UID = TrackerStructs.RT_POLICY.field("uid");
    private static final VarHandle EXE_INO = TrackerStructs.RT_POLICY.field("exe_ino");
    private static final VarHandle CGROUP_ID = TrackerStructs.RT_POLICY.field("cgroup_id");
    private static final VarHandle HEAP = TrackerStructs.RT_POLICY.field("heap");
    private static final VarHandle FILES = TrackerStructs.RT_POLICY.field("files");
    private static final VarHandle KILLED = TrackerStructs.RT_POLICY.field("killed");
    private static final VarHandle AUDITED = TrackerStructs.RT_POLICY.field("audited");
    private static final VarHandle WARNED = TrackerStructs.RT_POLICY.field("warned");
    private static final Struct.Text NAME = TrackerStructs.RT_POLICY.text("name");
    private static final Struct.Text EXE = TrackerStructs.RT_POLICY.text("exe");
    private static final Struct.Text CGROUP = TrackerStructs.RT_POLICY.text("cgroup");

    private PolicyRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return TrackerStructs.RT_POLICY.allocate(arena);
    }

    public static int id(MemorySegment s) {
        return (int) ID.get(s);
    }

    public static void setId(MemorySegment s, int value) {
        ID.set(s, value);
    }

    public static int selectors(MemorySegment s) {
        return (int) SELECTORS.get(s);
    }

    public static void setSelectors(MemorySegment s, int value) {
        SELECTORS.set(s, value);
    }

    public static int flags(MemorySegment s) {
        return (int) FLAGS.get(s);
    }

    public static void setFlags(MemorySegment s, int value) {
        FLAGS.set(s, value);
    }

    public static int warnPercent(MemorySegment s) {
        return (int) WARN_PERCENT.get(s);
    }

    public static void setWarnPercent(MemorySegment s, int value) {
        WARN_PERCENT.set(s, value);
    }

    public static int exeDev(MemorySegment s) {
        return (int) EXE_DEV.get(s);
    }

    public static void setExeDev(MemorySegment s, int value) {
        EXE_DEV.set(s, value);
    }

    public static int uid(MemorySegment s) {
        return (int) UID.get(s);
    }

    public static void setUid(MemorySegment s, int value) {
        UID.set(s, value);
    }

    public static long exeIno(MemorySegment s) {
        return (long) EXE_INO.get(s);
    }

    public static void setExeIno(MemorySegment s, long value) {
        EXE_INO.set(s, value);
    }

    public static long cgroupId(MemorySegment s) {
        return (long) CGROUP_ID.get(s);
    }

    public static void setCgroupId(MemorySegment s, long value) {
        CGROUP_ID.set(s, value);
    }

    public static long heap(MemorySegment s) {
        return (long) HEAP.get(s);
    }

    public static void setHeap(MemorySegment s, long value) {
        HEAP.set(s, value);
    }

    public static long files(MemorySegment s) {
        return (long) FILES.get(s);
    }

    public static void setFiles(MemorySegment s, long value) {
        FILES.set(s, value);
    }

    public static long killed(MemorySegment s) {
        return (long) KILLED.get(s);
    }

    public static void setKilled(MemorySegment s, long value) {
        KILLED.set(s, value);
    }

    public static long audited(MemorySegment s) {
        return (long) AUDITED.get(s);
    }

    public static void setAudited(MemorySegment s, long value) {
        AUDITED.set(s, value);
    }

    public static long warned(MemorySegment s) {
        return (long) WARNED.get(s);
    }

    public static void setWarned(MemorySegment s, long value) {
        WARNED.set(s, value);
    }

    public static String name(MemorySegment s) {
        return NAME.get(s);
    }

    /** Truncated to what the field holds with its NUL. */
    public static void setName(MemorySegment s, String value) {
        NAME.set(s, value);
    }

    public static String exe(MemorySegment s) {
        return EXE.get(s);
    }

    /** Truncated to what the field holds with its NUL. */
    public static void setExe(MemorySegment s, String value) {
        EXE.set(s, value);
    }

    public static String cgroup(MemorySegment s) {
        return CGROUP.get(s);
    }

    /** Truncated to what the field holds with its NUL. */
    public static void setCgroup(MemorySegment s, String value) {
        CGROUP.set(s, value);
    }
}
