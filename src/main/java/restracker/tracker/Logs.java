package restracker.tracker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.OptionalInt;
import java.util.function.LongConsumer;
import restracker.bpf.BpfMap;
import restracker.kernel.EventRecord;
import restracker.kernel.LogRecord;
import restracker.kernel.Records;
import restracker.kernel.TrackerStructs;
import restracker.sys.Libc;
import restracker.sys.NativeException;

/**
 * The kill logs and each user's share, over the kernel's `logs` map (rt_log, mmap-able: counters
 * claimed atomically against the BPF side). Log 0 is root's; each of the others is one user's:
 * its kills overwrite only its own older kills, and it counts the entities that user registered.
 */
final class Logs {
    private final MemorySegment heads;

    Logs(MemorySegment heads) {
        this.heads = heads;
    }

    /** The mapped heads, to unmap when the tracker closes. */
    MemorySegment mapped() {
        return heads;
    }

    /** The bytes to map: the map's values, rounded up to whole pages. */
    static long mappedSize() {
        long page = Libc.pageSize();
        return (Records.LOGS * TrackerStructs.RT_LOG.size() + page - 1) / page * page;
    }

    static int slots(int log) {
        return log == 0 ? Records.EVENT_SLOTS : Records.USER_EVENT_SLOTS;
    }

    /** The events map's slot of a log's n-th event (as tracker.bpf.c's log_event computes it). */
    static int slot(int log, long n) {
        return log == 0 ? (int) (n % Records.EVENT_SLOTS)
                : Records.EVENT_SLOTS + (log - 1) * Records.USER_EVENT_SLOTS + (int) (n % Records.USER_EVENT_SLOTS);
    }

    int uid(int log) {
        return LogRecord.uid(heads, log);
    }

    int entities(int log) {
        return LogRecord.entities(heads, log);
    }

    long logged(int log) {
        return LogRecord.logged(heads, log);
    }

    /** The entities of every log: every entity tracked (each is counted in the log of who made it). */
    long allEntities() {
        long n = 0;
        for (int log = 0; log < Records.LOGS; log++) n += entities(log);
        return n;
    }

    void addEntities(int log, int delta) {
        LogRecord.addEntities(heads, log, delta);
    }

    /** Claims the next event of log; returns its 1-based ordinal there. */
    long claim(int log) {
        return LogRecord.addLogged(heads, log, 1) + 1;
    }

    /**
     * Under the tracker's lock: uid's log, given to it now if it has none: a log never given, else
     * the one of another user with no entity left that logged least (its events are then counted by
     * reclaimed, and its slots cleared). Empty when every user log belongs to a user with entities.
     */
    OptionalInt forUser(int uid, Arena arena, BpfMap events, LongConsumer reclaimed) {
        int free = -1, idle = -1;
        for (int log = 1; log < Records.LOGS; log++) {
            boolean given = uid(log) != 0 || logged(log) > 0 || entities(log) > 0;
            if (given && uid(log) == uid) return OptionalInt.of(log);
            if (entities(log) != 0) continue;
            if (!given) {
                if (free < 0) free = log;
            } else if (idle < 0 || logged(log) < logged(idle)) {
                idle = log;
            }
        }
        int log = free >= 0 ? free : idle;
        if (log < 0) return OptionalInt.empty();
        long held = logged(log);
        if (held > 0) {
            MemorySegment empty = EventRecord.allocate(arena);
            for (int i = 0; i < Records.USER_EVENT_SLOTS; i++) {
                int rc = events.update(arena.allocateFrom(ValueLayout.JAVA_INT, slot(log, i)), empty, BpfMap.ANY);
                if (rc != 0) throw new NativeException(rc, "cannot clear a kill log for its new user");
            }
            reclaimed.accept(held);
            LogRecord.setLogged(heads, log, 0);
        }
        LogRecord.setUid(heads, log, uid);
        return OptionalInt.of(log);
    }
}
