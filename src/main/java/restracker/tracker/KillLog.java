package restracker.tracker;

import static restracker.sys.Errno.ENOSPC;
import static restracker.tracker.TrackerMaps.key;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import restracker.bpf.BpfMap;
import restracker.kernel.EntityRecord;
import restracker.kernel.EventRecord;
import restracker.kernel.HookedSyscalls;
import restracker.kernel.Records;
import restracker.kernel.StateRecord;
import restracker.sys.Libc;
import restracker.sys.NativeException;

/**
 * The tracker's kill logs as user space reads and writes them: which log a user's entities go to,
 * the events still held (root's log and each user's), and the kill `cap` itself makes of a process
 * already above its new quota, logged as the kernel side logs its own.
 */
final class KillLog {
    /**
     * The wall-clock time of boot (CLOCK_BOOTTIME 0), read once, when events are first listed:
     * events carry boot-time stamps, and an offset read anew for each listing would move the same
     * event by the time between two clock reads. (A holder: commands that list no events, `fetch`
     * among them, make no clock_gettime handle.)
     */
    private static final class Boot {
        static final Instant INSTANT = bootInstant();
    }

    private final TrackerMaps maps;
    private final TrackerMemory memory;

    KillLog(TrackerMaps maps, TrackerMemory memory) {
        this.maps = maps;
        this.memory = memory;
    }

    private static Instant bootInstant() {
        // The first calls link and initialise (milliseconds): not between the two clock reads.
        Instant.now();
        Libc.boottimeNanos();
        Instant before = Instant.now();
        long boot = Libc.boottimeNanos();
        Instant after = Instant.now();
        return before.plusNanos(java.time.Duration.between(before, after).toNanos() / 2).minusNanos(boot);
    }

    /** by's log: root's (0) for root, else the user's own, given to it now if it has none. */
    int logOf(Arena arena, Actor by, int pid) {
        if (by.isRoot()) return 0;
        return memory.logs().forUser(by.uid(), arena, maps.events(),
                n -> StateRecord.addEventsReclaimed(memory.sharedState(), n)).orElseThrow(() ->
                new TrackerException(ENOSPC, "cannot register pid " + pid + ": restracker keeps kill logs for "
                        + Records.USER_LOGS + " users, and each belongs to a user with entities still tracked"));
    }

    /** What {@link ResourceTracker#events} returns: the events the logs still hold, and the counts of the others. */
    EventLog events() {
        long total = StateRecord.eventSeq(memory.sharedState());
        long drops = StateRecord.quotaDrops(memory.sharedState());
        long overwritten = StateRecord.eventsReclaimed(memory.sharedState());
        List<KillEvent> events = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = EventRecord.allocate(arena);
            for (int log = 0; log < Records.LOGS; log++) {
                long logged = memory.logs().logged(log);
                if (logged == 0) continue;
                overwritten += Math.max(0, logged - Logs.slots(log));
                for (long n = Math.max(1, logged - Logs.slots(log) + 1); n <= logged; n++) {
                    if (!maps.events().lookup(key(arena, Logs.slot(log, n)), v)) continue;
                    long seq = EventRecord.seq(v);
                    // 0: being rewritten right now; another ordinal: not yet written, or newer than total.
                    if (seq == 0 || seq > total || EventRecord.logSeq(v) != n) continue;
                    events.add(toEvent(v, Boot.INSTANT.plusNanos(EventRecord.timeNs(v))));
                }
            }
        }
        events.sort(java.util.Comparator.comparingLong(KillEvent::seq));
        return new EventLog(events, Math.min(total, overwritten), total, drops, PolicyNames.notices(maps));
    }

    private KillEvent toEvent(MemorySegment v, Instant time) {
        KillEvent.Reason reason = KillEvent.Reason.of(EventRecord.reason(v));
        return new KillEvent(EventRecord.seq(v), time, EventRecord.pid(v), EventRecord.tid(v),
                EventRecord.entity(v), Scope.of(EventRecord.scope(v)), reason,
                HookedSyscalls.name(EventRecord.syscallNr(v)), EventRecord.usage(v), EventRecord.limit(v),
                EventRecord.comm(v), KillEvent.Kind.of(EventRecord.kind(v), reason),
                PolicyNames.of(maps, EventRecord.policy(v)));
    }

    /** Kills pid at once if its usage is already above quota (the kernel side checks only at later calls). */
    void killIfOver(Arena arena, MemorySegment e, int pid, String comm, Quota quota, int log) {
        long heap = EntityRecord.heap(e), files = EntityRecord.files(e);
        KillEvent.Reason reason = null;
        long usage = 0, limit = 0;
        if (quota.heapLimited() && heap > quota.heapBytes()) {
            reason = KillEvent.Reason.HEAP; usage = heap; limit = quota.heapBytes();
        } else if (quota.filesLimited() && files > quota.files()) {
            reason = KillEvent.Reason.FILES; usage = files; limit = quota.files();
        }
        if (reason == null) return;
        Libc.kill(pid, Libc.SIGKILL);
        logKill(arena, e, pid, comm, reason, usage, limit, log);
    }

    /** Appends an event to a kernel log, claiming its slot atomically against the BPF side. */
    private void logKill(Arena arena, MemorySegment e, int pid, String comm, KillEvent.Reason reason, long usage, long limit,
            int log) {
        long seq = StateRecord.addEventSeq(memory.sharedState(), 1) + 1;
        long n = memory.logs().claim(log);
        MemorySegment v = EventRecord.allocate(arena);
        EventRecord.setSeq(v, seq);
        EventRecord.setLogSeq(v, n);
        EventRecord.setTimeNs(v, Libc.boottimeNanos());
        EventRecord.setPid(v, EntityRecord.tgid(e));
        EventRecord.setTid(v, pid);
        EventRecord.setEntity(v, EntityRecord.id(e));
        EventRecord.setScope(v, EntityRecord.scope(e));
        EventRecord.setReason(v, reason == KillEvent.Reason.HEAP ? Records.REASON_HEAP : Records.REASON_FILES);
        EventRecord.setSyscallNr(v, Records.NR_CAP);
        EventRecord.setUsage(v, usage);
        EventRecord.setLimit(v, limit);
        EventRecord.setComm(v, comm);
        int rc = maps.events().update(key(arena, Logs.slot(log, n)), v, BpfMap.ANY);
        if (rc != 0) throw new NativeException(rc, "cannot log the kill of pid " + pid);
    }
}
