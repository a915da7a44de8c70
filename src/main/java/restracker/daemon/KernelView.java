package restracker.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import restracker.tracker.EntityStats;
import restracker.tracker.EventLog;
import restracker.tracer.KernelTracer;
import restracker.tracer.TracerSnapshot;
import restracker.tracker.ResourceTracker;

/**
 * The daemon's one way to the kernel-resident state. Every reading opens the pinned maps afresh and
 * closes them again, like a CLI call: the daemon holds nothing of the kernel's between requests, so
 * it always sees the state as it is now (unloaded, reloaded, or changed by the CLI meanwhile), and
 * stopping it changes nothing for enforcement. Thread-safe.
 */
final class KernelView {
    /** One reading: what is tracked, the kill log, when it was taken and how long it took. */
    record Reading(boolean loaded, List<EntityStats> entities, EventLog log, Instant at, Duration took) {}

    private static final EventLog NO_EVENTS = new EventLog(List.of(), 0, 0);

    private final Path pinDir;
    private final KillTally tally = new KillTally();
    private final AtomicLong readErrors = new AtomicLong();
    private volatile Duration lastReadTook = Duration.ZERO;

    KernelView(Path pinDir) {
        this.pinDir = pinDir;
    }

    Path pinDir() {
        return pinDir;
    }

    /** Reads everything the API and the metrics show; counts a failure before rethrowing it. */
    Reading read() {
        long start = System.nanoTime();
        try {
            Optional<ResourceTracker> opened = ResourceTracker.openExisting(pinDir);
            Reading r;
            if (opened.isEmpty()) {
                r = new Reading(false, List.of(), NO_EVENTS, Instant.now(), elapsed(start));
            } else {
                try (ResourceTracker t = opened.get()) {
                    List<EntityStats> entities = t.list();
                    EventLog log = t.events();
                    r = new Reading(true, entities, log, Instant.now(), elapsed(start));
                }
            }
            tally.observe(r.log());
            lastReadTook = r.took();
            return r;
        } catch (RuntimeException e) {
            readErrors.incrementAndGet();
            throw e;
        }
    }

    /**
     * The kernel-operations tracer's table, if the tracer is loaded (the daemon never loads it:
     * {@code restracker tracer add} does); counts a failure before rethrowing it.
     */
    Optional<TracerSnapshot> readTracer() {
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

    Duration lastReadTook() {
        return lastReadTook;
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
