package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_event (Records.EVENT), one slot of a kill log: a typed accessor per field, each a
 * handle resolved once from the named layout.
 */
public final class EventRecord {
    private static final VarHandle SEQ = Records.EVENT.field("seq");
    private static final VarHandle LOG_SEQ = Records.EVENT.field("log_seq");
    private static final VarHandle TIME_NS = Records.EVENT.field("time_ns");
    private static final VarHandle PID = Records.EVENT.field("pid");
    private static final VarHandle TID = Records.EVENT.field("tid");
    private static final VarHandle ENTITY = Records.EVENT.field("entity");
    private static final VarHandle SCOPE = Records.EVENT.field("scope");
    private static final VarHandle REASON = Records.EVENT.field("reason");
    private static final VarHandle SYSCALL_NR = Records.EVENT.field("syscall_nr");
    private static final VarHandle USAGE = Records.EVENT.field("usage");
    private static final VarHandle LIMIT = Records.EVENT.field("limit");
    private static final VarHandle POLICY = Records.EVENT.field("policy");
    private static final VarHandle KIND = Records.EVENT.field("kind");
    private static final long COMM = Records.EVENT.offset("comm");

    private EventRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return Records.EVENT.allocate(arena);
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
        return Struct.text(s, COMM, Records.COMM_LEN);
    }

    /** Truncated to what the field holds with its NUL. */
    public static void setComm(MemorySegment s, String value) {
        Struct.setText(s, COMM, Records.COMM_LEN, value);
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
