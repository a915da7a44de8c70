package restracker.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_state (TrackerStructs.RT_STATE), the counters shared with the BPF side through the mmap-able
 * `state` map: typed atomic accessors on the mapped segment (volatile reads, atomic adds), each a
 * handle resolved once from the named layout.
 */
public final class StateRecord {
    private static final VarHandle EVENT_SEQ = TrackerStructs.RT_STATE.field("event_seq");
    private static final VarHandle STALE_ENTRIES = TrackerStructs.RT_STATE.field("stale_entries");
    private static final VarHandle QUOTA_DROPS = TrackerStructs.RT_STATE.field("quota_drops");
    private static final VarHandle EVENTS_RECLAIMED = TrackerStructs.RT_STATE.field("events_reclaimed");
    private static final VarHandle DOOMED = TrackerStructs.RT_STATE.field("doomed");
    private static final VarHandle OBJECTS = TrackerStructs.RT_STATE.field("objects");
    private static final VarHandle THREADS = TrackerStructs.RT_STATE.field("threads");

    private StateRecord() {}

    /** Events ever logged, in all logs. */
    public static long eventSeq(MemorySegment shared) {
        return (long) EVENT_SEQ.getVolatile(shared);
    }

    /** Adds n to event_seq atomically; returns the value before. */
    public static long addEventSeq(MemorySegment shared, long n) {
        return (long) EVENT_SEQ.getAndAdd(shared, n);
    }

    public static void setEventSeq(MemorySegment shared, long value) {
        EVENT_SEQ.setVolatile(shared, value);
    }

    public static long staleEntries(MemorySegment shared) {
        return (long) STALE_ENTRIES.getVolatile(shared);
    }

    public static long quotaDrops(MemorySegment shared) {
        return (long) QUOTA_DROPS.getVolatile(shared);
    }

    public static long eventsReclaimed(MemorySegment shared) {
        return (long) EVENTS_RECLAIMED.getVolatile(shared);
    }

    /** Adds n to events_reclaimed atomically; returns the value before. */
    public static long addEventsReclaimed(MemorySegment shared, long n) {
        return (long) EVENTS_RECLAIMED.getAndAdd(shared, n);
    }

    /** Adds n to doomed atomically; returns the value before. */
    public static long addDoomed(MemorySegment shared, long n) {
        return (long) DOOMED.getAndAdd(shared, n);
    }

    /** Adds n to objects atomically; returns the value before. */
    public static long addObjects(MemorySegment shared, long n) {
        return (long) OBJECTS.getAndAdd(shared, n);
    }

    /** Thread entities in the entities map (signed: a delete may be counted before the insert it follows). */
    public static long threads(MemorySegment shared) {
        return (long) THREADS.getVolatile(shared);
    }

    /** Adds n to threads atomically; returns the value before. */
    public static long addThreads(MemorySegment shared, long n) {
        return (long) THREADS.getAndAdd(shared, n);
    }
}
