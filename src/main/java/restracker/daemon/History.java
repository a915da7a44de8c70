package restracker.daemon;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import restracker.tracker.EntityStats;

/**
 * The recent past of each tracked entity, for the dashboard's charts: every {@link #INTERVAL} a
 * reading is kept, for {@link #SAMPLES} readings (ten minutes), for at most {@link #MAX_ENTITIES}
 * entities (those tracked first; the others are charted from the time a page is open). Held only in
 * the daemon's memory: it starts empty with the daemon, and an entity's past goes when it does.
 */
final class History implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final int SAMPLES = 120;
    static final int MAX_ENTITIES = 1024;

    /** One reading of one entity: epoch milliseconds, heap bytes and open files since registration. */
    record Sample(long timeMillis, long heapBytes, long openFiles) {}

    private final Map<Integer, ArrayDeque<Sample>> byPid = new HashMap<>();
    private ScheduledExecutorService sampler;

    /** A history that only keeps what {@link #add} is given. */
    History() {}

    /** A history that takes a reading of view every {@link #INTERVAL}. */
    static History sampling(KernelView view) {
        History h = new History();
        h.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "restracker-history");
            t.setDaemon(true);
            return t;
        });
        h.sampler.scheduleWithFixedDelay(() -> h.sampleSafely(view), 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return h;
    }

    private void sampleSafely(KernelView view) {
        try {
            add(view.read().entities(), System.currentTimeMillis());
        } catch (RuntimeException e) {
            // counted by the view (restracker_daemon_read_errors_total); the next tick tries again
        }
    }

    /** Adds one reading; entities no longer in it lose their past. */
    synchronized void add(List<EntityStats> entities, long nowMillis) {
        Set<Integer> present = new HashSet<>();
        for (EntityStats s : entities) {
            present.add(s.pid());
            ArrayDeque<Sample> q = byPid.get(s.pid());
            if (q == null) {
                if (byPid.size() >= MAX_ENTITIES) continue;
                q = new ArrayDeque<>();
                byPid.put(s.pid(), q);
            }
            if (q.size() == SAMPLES) q.removeFirst();
            q.addLast(new Sample(nowMillis, s.heapBytes(), s.openFiles()));
        }
        byPid.keySet().retainAll(present);
    }

    /** Each entity's samples, oldest first. */
    synchronized Map<Integer, List<Sample>> snapshot() {
        Map<Integer, List<Sample>> copy = new HashMap<>();
        byPid.forEach((pid, q) -> copy.put(pid, new ArrayList<>(q)));
        return copy;
    }

    @Override
    public void close() {
        if (sampler != null) sampler.shutdownNow();
    }
}
