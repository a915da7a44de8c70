package restracker.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import restracker.kernelops.KernelOpsSnapshot;
import restracker.kernelops.KernelTracer;
import restracker.policy.PolicyTable;
import restracker.tracker.EntityStats;
import restracker.tracker.EventLog;
import restracker.tracker.ResourceTracker;

/**
 * The daemon's one way to the kernel-resident state: one snapshot at a time, shared by the API,
 * /metrics, the event stream and the history. A caller gets the last reading if it is younger
 * than {@link #MAX_AGE}, else a new one (callers meanwhile wait for that one and share it), so that
 * however many clients ask, the tables are read at most about once per {@link #MAX_AGE}. The
 * pinned maps stay open between readings; every caller first checks that they are still the ones
 * pinned (a few system calls), and a new reading opens them afresh when the state was unloaded or
 * loaded again meanwhile, so an unload or a reload is seen at once, the CLI's changes within
 * {@link #MAX_AGE}, and stopping the daemon changes nothing for enforcement. Thread-safe.
 */
final class KernelView implements AutoCloseable {
    /** How old a shared reading may be when a caller gets it. */
    static final Duration MAX_AGE = Duration.ofSeconds(1);

    /**
     * One reading: what is tracked, the kill log, the policies loaded (each with the processes of
     * this reading it holds), when it began (it shows every change made before that moment) and
     * how long it took.
     */
    record Reading(boolean loaded, List<EntityStats> entities, EventLog log, List<PolicyTable.Loaded> policies, Instant at,
            Duration took) {}

    private static final EventLog NO_EVENTS = new EventLog(List.of(), 0, 0);

    private final Path pinDir;
    private final KillTally tally = new KillTally();
    private final AtomicLong readErrors = new AtomicLong();
    private final AtomicLong readings = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Duration lastReadTook = Duration.ZERO;
    /** Guarded by lock: the tracker held open between readings (null: none loaded when last looked). */
    private ResourceTracker tracker;
    private Reading last;
    private long lastAtNanos;
    private boolean closed;

    KernelView(Path pinDir) {
        this.pinDir = pinDir;
    }

    Path pinDir() {
        return pinDir;
    }

    /**
     * The shared reading of everything the API and the metrics show, at most {@link #MAX_AGE} old;
     * a failure to read is counted and thrown (the next caller tries again).
     */
    Reading read() {
        lock.lock();
        try {
            if (last != null && System.nanoTime() - lastAtNanos < MAX_AGE.toNanos() && samePinned()) return last;
            last = readNow();
            lastAtNanos = System.nanoTime();
            return last;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the state pinned now is the one of the last reading (a few system calls): an unload
     * or a new load behind the daemon's back is seen by the next request, not a second later.
     */
    private boolean samePinned() {
        if (tracker == null) return !Files.exists(pinDir.resolve(ResourceTracker.BLUEPRINT.name()).resolve("meta"));
        try {
            return tracker.stillCurrent();
        } catch (RuntimeException e) {
            return false; // the reading says why
        }
    }

    /** Guarded by lock. */
    private Reading readNow() {
        Instant at = Instant.now();
        long start = System.nanoTime();
        try {
            if (closed) throw new IllegalStateException("the daemon is stopping");
            Optional<ResourceTracker> t = current();
            Reading r;
            if (t.isEmpty()) {
                r = new Reading(false, List.of(), NO_EVENTS, List.of(), at, elapsed(start));
            } else {
                // Hooks whose entities the kernel removed since (processes that exited) go here.
                t.get().fitHooks();
                List<EntityStats> entities = t.get().list();
                EventLog log = t.get().events();
                List<PolicyTable.Loaded> policies = new PolicyTable(t.get()).list(heldByPolicy(entities));
                r = new Reading(true, entities, log, policies, at, elapsed(start));
            }
            readings.incrementAndGet();
            tally.observe(r.log());
            lastReadTook = r.took();
            return r;
        } catch (RuntimeException e) {
            readErrors.incrementAndGet();
            forget();
            throw e;
        }
    }

    private static Map<String, Long> heldByPolicy(List<EntityStats> entities) {
        Map<String, Long> held = new HashMap<>();
        for (EntityStats e : entities) e.policy().ifPresent(name -> held.merge(name, 1L, Long::sum));
        return held;
    }

    /** The tracker pinned now: the one held open if it is still the one pinned, else opened afresh. */
    private Optional<ResourceTracker> current() {
        if (tracker != null && !tracker.stillCurrent()) forget();
        if (tracker == null) tracker = ResourceTracker.openExisting(pinDir).orElse(null);
        return Optional.ofNullable(tracker);
    }

    /** Closes the tracker held open (unloaded, reloaded, or failing): the next reading opens it anew. */
    private void forget() {
        if (tracker == null) return;
        try {
            tracker.close();
        } finally {
            tracker = null;
        }
    }

    /**
     * The kernel-operations tracer's table, if the tracer is loaded (the daemon never loads it:
     * {@code restracker tracer add} does), read afresh (a small table of the few processes traced);
     * counts a failure before rethrowing it.
     */
    Optional<KernelOpsSnapshot> readTracer() {
        try {
            Optional<KernelTracer> opened = KernelTracer.openExisting(pinDir);
            if (opened.isEmpty()) return Optional.empty();
            try (KernelTracer t = opened.get()) {
                return Optional.of(t.snapshot());
            }
        } catch (RuntimeException e) {
            readErrors.incrementAndGet();
            throw e;
        }
    }

    KillTally tally() {
        return tally;
    }

    long readErrors() {
        return readErrors.get();
    }

    /** Readings of the tracker's state taken (not those shared): what a benchmark counts. */
    long readings() {
        return readings.get();
    }

    Duration lastReadTook() {
        return lastReadTook;
    }

    /** Releases the pinned maps held open; the kernel state is untouched. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            forget();
        } finally {
            lock.unlock();
        }
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
