package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_event (TrackerStructs.RT_EVENT), one slot of a kill log: a typed accessor per field, each a
 * handle resolved once from the named layout.
 */
public final class EventRecord {
    private static final VarHandle SEQ = TrackerStructs.RT_EVENT.field("seq");
    private static final VarHandle LOG_SEQ = TrackerStructs.RT_EVENT.field("log_seq");
    private static final VarHandle TIME_NS = TrackerStructs.RT_EVENT.field("time_ns");
    private static final VarHandle PID = TrackerStructs.RT_EVENT.field("pid");
    private static final VarHandle TID = TrackerStructs.RT_EVENT.field("tid");
    private static final VarHandle ENTITY = TrackerStructs.RT_EVENT.field("entity");
    private static final VarHandle SCOPE = TrackerStructs.RT_EVENT.field("scope");
    private static final VarHandle REASON = TrackerStructs.RT_EVENT.field("reason");
    private static final VarHandle SYSCALL_NR = TrackerStructs.RT_EVENT.field("syscall_nr");
    private static final VarHandle USAGE = TrackerStructs.RT_EVENT.field("usage");
    private static final VarHandle LIMIT = TrackerStructs.RT_EVENT.field("limit");
    private static final VarHandle POLICY = TrackerStructs.RT_EVENT.field("policy");
    private static final VarHandle KIND = TrackerStructs.RT_EVENT.field("kind");
    private static final Struct.Text COMM = TrackerStructs.RT_EVENT.text("comm");

    private EventRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return TrackerStructs.RT_EVENT.allocate(arena);
    }

    public static long seq(MemorySegment s) {
        return (long) SEQ.get(s);
    }

    public static void setSeq(MemorySegment s, long value) {
        SEQ.set(s, value);
    }

    public static long logSeq(MemorySegment s) {
        return (long) LOG_SEQ.get(s);
    }

    public static void setLogSeq(MemorySegment s, long value) {
        LOG_SEQ.set(s, value);
    }

    public static long timeNs(MemorySegment s) {
        return (long) TIME_NS.get(s);
    }

    public static void setTimeNs(MemorySegment s, long value) {
        TIME_NS.set(s, value);
    }

    public static int pid(MemorySegment s) {
        return (int) PID.get(s);
    }

    public static void setPid(MemorySegment s, int value) {
        PID.set(s, value);
    }

    public static int tid(MemorySegment s) {
        return (int) TID.get(s);
    }

    public static void setTid(MemorySegment s, int value) {
        TID.set(s, value);
    }

    public static int entity(MemorySegment s) {
        return (int) ENTITY.get(s);
    }

    public static void setEntity(MemorySegment s, int value) {
        ENTITY.set(s, value);
    }

    public static int scope(MemorySegment s) {
        return (int) SCOPE.get(s);
    }

    public static void setScope(MemorySegment s, int value) {
        SCOPE.set(s, value);
    }

    public static int reason(MemorySegment s) {
        return (int) REASON.get(s);
    }

    public static void setReason(MemorySegment s, int value) {
        REASON.set(s, value);
    }

    public static int syscallNr(MemorySegment s) {
        return (int) SYSCALL_NR.get(s);
    }

    public static void setSyscallNr(MemorySegment s, int value) {
        SYSCALL_NR.set(s, value);
    }

    public static long usage(MemorySegment s) {
        return (long) USAGE.get(s);
    }

    public static void setUsage(MemorySegment s, long value) {
        USAGE.set(s, value);
    }

    public static long limit(MemorySegment s) {
        return (long) LIMIT.get(s);
    }

    public static void setLimit(MemorySegment s, long value) {
        LIMIT.set(s, value);
    }

    public static String comm(MemorySegment s) {
        return COMM.get(s);
    }

    /** Truncated to what the field holds with its NUL. */
    public static void setComm(MemorySegment s, String value) {
        COMM.set(s, value);
    }

    public static int policy(MemorySegment s) {
        return (int) POLICY.get(s);
    }

    public static void setPolicy(MemorySegment s, int value) {
        POLICY.set(s, value);
    }

    public static int kind(MemorySegment s) {
        return (int) KIND.get(s);
    }

    public static void setKind(MemorySegment s, int value) {
        KIND.set(s, value);
    }
}
