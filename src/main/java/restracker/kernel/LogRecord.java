package restracker.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_log (TrackerStructs.RT_LOG), the head of one kill log, in the mmap-able `logs` map's memory: an
 * array of heads indexed by log (0 root's, then one per user). Typed atomic accessors on that
 * mapped array, each a handle resolved once from the named layout.
 */
public final class LogRecord {
    private static final VarHandle UID = TrackerStructs.RT_LOG.elementField("uid");
    private static final VarHandle ENTITIES = TrackerStructs.RT_LOG.elementField("entities");
    private static final VarHandle LOGGED = TrackerStructs.RT_LOG.elementField("logged");

    private LogRecord() {}

    /** Whose log it is (0 for root's and for a user log never given). */
    public static int uid(MemorySegment heads, int log) {
        return (int) UID.getVolatile(heads, (long) log);
    }

    public static void setUid(MemorySegment heads, int log, int uid) {
        UID.setVolatile(heads, (long) log, uid);
    }

    /** Entities registered by the log's uid and still tracked. */
    public static int entities(MemorySegment heads, int log) {
        return (int) ENTITIES.getVolatile(heads, (long) log);
    }

    /** Adds delta to entities atomically; returns the value before. */
    public static int addEntities(MemorySegment heads, int log, int delta) {
        return (int) ENTITIES.getAndAdd(heads, (long) log, delta);
    }

    /** Events ever logged in the log. */
    public static long logged(MemorySegment heads, int log) {
        return (long) LOGGED.getVolatile(heads, (long) log);
    }

    /** Adds n to logged atomically; returns the value before. */
    public static long addLogged(MemorySegment heads, int log, long n) {
        return (long) LOGGED.getAndAdd(heads, (long) log, n);
    }

    public static void setLogged(MemorySegment heads, int log, long value) {
        LOGGED.setVolatile(heads, (long) log, value);
    }
}
