package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import restracker.sys.Errno;
import restracker.testing.Loaded;
import restracker.testing.Workload;

/**
 * Concurrent clients on the same and on different pids, each with its own handles on the pinned
 * maps (as separate CLI processes would have): every operation either happens once or fails with
 * its documented errno, and the tables end empty.
 */
class ConcurrencyTest {
    private static final int CLIENTS = 8, ROUNDS = 40;
    @Loaded
    private static ResourceTracker tracker;

    @Test
    void racingClientsNeverRegisterTwiceOrLoseAnUpdate() throws Exception {
        race(null);
    }

    /**
     * The same race between the threads of one process sharing one tracker, so one descriptor of
     * the pin directory (whose flock alone would not keep them apart): they take turns all the same.
     */
    @Test
    void threadsSharingOneTrackerTakeTurnsAsSeparateClientsDo() throws Exception {
        try (ResourceTracker shared = ResourceTracker.open(tracker.state().dir().getParent())) {
            race(shared);
        }
    }

    /** CLIENTS threads cycling over three processes, each with a tracker of its own, or all with shared if given. */
    private static void race(ResourceTracker shared) throws Exception {
        List<Workload> workloads = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) workloads.add(Workload.start());
            AtomicInteger registered = new AtomicInteger(), deregistered = new AtomicInteger();
            AtomicInteger capped = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    ResourceTracker own = shared != null ? shared : ResourceTracker.open(tracker.state().dir().getParent());
                    try {
                        for (int r = 0; r < ROUNDS; r++) {
                            int pid = workloads.get((client + r) % workloads.size()).pid();
                            step(() -> { own.register(pid); registered.incrementAndGet(); }, Errno.ALREADY);
                            step(() -> { own.cap(pid, new Quota(1L << 30, 1000), false); capped.incrementAndGet(); },
                                    Errno.ALREADY, Errno.EINVAL);
                            step(() -> own.fetch(pid), Errno.EINVAL);
                            step(() -> { own.deregister(pid); deregistered.incrementAndGet(); }, Errno.ESRCH);
                        }
                    } finally {
                        if (own != shared) own.close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            pool.shutdown();
            int leftover = tracker.list().size();
            assertEquals(registered.get(), deregistered.get() + leftover,
                    "every registration was either deregistered once or is still there");
            assertTrue(registered.get() >= ROUNDS / 2, "clients did get through: " + registered.get());
            for (EntityStats s : tracker.list()) tracker.deregister(s.pid());
            assertEquals(List.of(), TrackerMaps.of(tracker.state()).entities().intKeys());
            assertEquals(List.of(), TrackerMaps.of(tracker.state()).quotas().intKeys());
            assertEquals(List.of(), TrackerMaps.of(tracker.state()).groups().intKeys());
        } finally {
            workloads.forEach(Workload::close);
        }
    }

    private interface Op {
        void run();
    }

    /** Runs op; a TrackerException is fine only with one of the errnos the race allows. */
    private static void step(Op op, Errno... allowed) {
        try {
            op.run();
        } catch (TrackerException e) {
            assertTrue(List.of(allowed).contains(e.errno()), "unexpected " + e.errno() + ": " + e.getMessage());
        }
    }

    @Test
    void threadChurnInsideAProcessKeepsExactFigures() {
        try (Workload w = Workload.start()) {
            long vmData0 = w.vmDataBytes();
            int fds0 = w.openFds();
            tracker.register(w.pid());
            for (int i = 0; i < 25; i++) {
                int t = w.thread();
                tracker.register(t);
                w.on(t, "open /dev/null");
                w.exitThread(t);
            }
            EntityStats s = tracker.fetch(w.pid());
            assertEquals(w.openFds() - fds0, s.openFiles());
            assertEquals(Math.max(0, w.vmDataBytes() - vmData0), s.heapBytes());
            assertEquals(1, tracker.list().size(), "exited threads left the table: " + tracker.list());
            tracker.deregister(w.pid());
        }
    }
}
