package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import restracker.kernel.EntityRecord;
import restracker.kernel.Records;
import restracker.proc.ProcFs;
import restracker.sys.Errno;
import restracker.testing.Loaded;
import restracker.testing.Workload;

/**
 * Load, nothing lost. Not in the default suite (tag "load"): run it with tests/load/run.
 * Every phase ends by comparing restracker's counters with the kernel's own figures (VmData and
 * /proc/PID/fd) and checking the tables; the figures go to target/load-report.txt for
 * RELIABILITY.md. No timing is asserted; durations are only reported.
 */
@Tag("load")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadTest {
    private static final int PROCESSES = 1_000, THREADS_PER_PROCESS = 16;
    private static final int CHURN_THREADS = 10_000, FORKS = 10_000, FORKERS = 4, FD_CHURN = 100_000;
    private static final int CLIENTS = 8, CLIENT_ROUNDS = 2_000, KILLS = 5_000;
    private static final Path REPORT = Path.of("target/load-report.txt");
    @Loaded
    private static ResourceTracker tracker;
    private static ExecutorService pool;

    @BeforeAll
    static void load() throws IOException {
        pool = Executors.newFixedThreadPool(8);
        Files.writeString(REPORT, "restracker load run, " + Instant.now() + "\n");
    }

    @AfterAll
    static void unload() {
        if (pool != null) pool.shutdownNow();
    }

    private static void report(String line) throws IOException {
        System.out.println("load: " + line);
        Files.writeString(REPORT, line + "\n", StandardOpenOption.APPEND);
    }

    /** Runs op on each item on the pool (8 at a time) and waits for all; rethrows the first failure. */
    private static <T> void parallel(List<T> items, Consumer<T> op) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (T item : items) done.add(pool.submit(() -> op.accept(item)));
        for (Future<?> f : done) f.get();
    }

    /** A process's baseline when it was registered: its VmData and open descriptors. */
    private record Base(long vmData, int fds) {}

    /** restracker's figures for a process entity equal the kernel's, to the byte and descriptor. */
    private static void assertExact(Workload w, Base base) {
        EntityStats s = tracker.fetch(w.pid());
        assertEquals(Math.max(0, w.vmDataBytes() - base.vmData()), s.heapBytes(), "heap of " + w.pid());
        assertEquals(Math.max(0, w.openFds() - base.fds()), s.openFiles(), "files of " + w.pid());
        assertEquals(w.vmDataBytes(), s.vmDataBytes());
        assertEquals(w.openFds(), s.openFds());
    }

    private static Base register(Workload w) {
        Base b = new Base(w.vmDataBytes(), w.openFds());
        assertEquals(Scope.PROCESS, tracker.register(w.pid()));
        return b;
    }

    private static long seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }

    /** After the exits: nothing left in any table (what is left is described, for diagnosis). */
    private static void assertTablesEmpty(String after) {
        List<String> left = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            var e = EntityRecord.allocate(arena);
            for (int id : TrackerMaps.of(tracker.state()).entities().intKeys()) {
                if (TrackerMaps.of(tracker.state()).entities().lookup(arena.allocateFrom(ValueLayout.JAVA_INT, id), e)) {
                    left.add(id + " (tgid " + EntityRecord.tgid(e) + ", scope "
                            + EntityRecord.scope(e) + ", alive " + ProcFs.task(id).isPresent() + ")");
                }
            }
        }
        assertEquals(List.of(), left, "entities after " + after);
        assertEquals(List.of(), TrackerMaps.of(tracker.state()).quotas().intKeys(), "quotas after " + after);
        assertEquals(List.of(), TrackerMaps.of(tracker.state()).groups().intKeys(), "groups after " + after);
    }

    @Test
    @Order(1)
    void aThousandProcessesOfSixteenThreads() throws Exception {
        long t0 = System.nanoTime();
        List<Workload> all = new ArrayList<>();
        Map<Workload, Base> base = new HashMap<>();
        try {
            for (int i = 0; i < PROCESSES; i++) all.add(Workload.start());
            for (Workload w : all) base.put(w, register(w));
            long started = seconds(t0);
            Map<Workload, List<Integer>> threads = new ConcurrentHashMap<>();
            parallel(all, w -> {
                List<Integer> tids = new ArrayList<>();
                for (int t = 1; t < THREADS_PER_PROCESS; t++) tids.add(w.thread());
                // work spread over the threads: files opened and memory mapped on several of them
                for (int t = 0; t < tids.size(); t += 4) {
                    w.on(tids.get(t), "open /dev/null");
                    w.on(tids.get(t), "mmap " + ((t + 1) << 16));
                }
                w.open("/dev/zero");
                threads.put(w, tids);
            });
            long tasks = all.stream().mapToLong(w -> w.tids().size()).sum();
            assertEquals((long) PROCESSES * THREADS_PER_PROCESS, tasks, "threads alive");
            parallel(all, w -> assertExact(w, base.get(w)));
            assertEquals(PROCESSES, tracker.list().size(), "one entity per process, nothing twice");
            long heap = tracker.list().stream().mapToLong(EntityStats::heapBytes).sum();
            long files = tracker.list().stream().mapToLong(EntityStats::openFiles).sum();
            // half of the threads exit again: the figures follow
            parallel(all, w -> {
                List<Integer> tids = threads.get(w);
                for (int t = 0; t < tids.size(); t += 2) w.exitThread(tids.get(t));
                assertExact(w, base.get(w));
            });
            report(String.format("1. %d processes x %d threads (%d tasks) tracked; %d entities; heap %d MiB and %d files"
                    + " gained in all, exact against VmData and /proc/PID/fd for every process, before and after %d"
                    + " threads exited; started and registered in %d s, whole phase %d s", PROCESSES,
                    THREADS_PER_PROCESS, tasks, PROCESSES, heap >> 20, files, PROCESSES * (THREADS_PER_PROCESS / 2),
                    started, seconds(t0)));
        } finally {
            for (Workload w : all) w.close();
        }
        assertTablesEmpty("1,000 processes exited");
    }

    @Test
    @Order(2)
    void threadChurnInsideAProcessEntity() throws Exception {
        long t0 = System.nanoTime();
        try (Workload w = Workload.start()) {
            Base b = register(w);
            for (int i = 0; i < CHURN_THREADS; i++) {
                int t = w.thread();
                if (i % 10 == 0) assertEquals(Scope.THREAD, tracker.register(t)); // some as entities of their own
                w.on(t, "open /dev/null");
                if (i % 2 == 0) w.on(t, "mmap 65536");
                w.exitThread(t);
            }
            assertExact(w, b);
            assertEquals(1, tracker.list().size(), "exited threads left the table");
            report(String.format("2. thread churn: %d threads created and exited in one process entity (%d of them"
                    + " tracked as thread entities); files %d, heap %d KiB, exact; the thread entities left the table;"
                    + " %d s", CHURN_THREADS, CHURN_THREADS / 10, tracker.fetch(w.pid()).openFiles(),
                    tracker.fetch(w.pid()).heapBytes() >> 10, seconds(t0)));
        }
        assertTablesEmpty("thread churn");
    }

    @Test
    @Order(3)
    void forkStorms() throws Exception {
        long t0 = System.nanoTime();
        List<Workload> forkers = new ArrayList<>();
        try {
            Map<Workload, Base> base = new HashMap<>();
            for (int i = 0; i < FORKERS; i++) forkers.add(Workload.start());
            for (Workload w : forkers) {
                base.put(w, register(w));
                w.open("/dev/null");
            }
            parallel(forkers, w -> w.forks(FORKS));
            for (Workload w : forkers) assertExact(w, base.get(w));
            assertEquals(FORKERS, tracker.list().size(), "children are not tracked, nothing was added");
            report(String.format("3. fork storms: %d tracked processes forking %d children each at once (%d processes"
                    + " created and reaped); parents' figures exact, no child entered the table; %d s", FORKERS, FORKS,
                    FORKERS * FORKS, seconds(t0)));
        } finally {
            forkers.forEach(Workload::close);
        }
        assertTablesEmpty("fork storms");
    }

    @Test
    @Order(4)
    void fdChurn() throws Exception {
        long t0 = System.nanoTime();
        try (Workload p = Workload.start(); Workload q = Workload.start()) {
            Base b = register(p);
            p.send("openmany 100 /dev/null");
            p.fdChurn(FD_CHURN, "/dev/null");
            assertExact(p, b);
            assertEquals(100, tracker.fetch(p.pid()).openFiles());
            int tid = q.thread();
            tracker.register(tid);
            q.on(tid, "fdchurn " + FD_CHURN + " /dev/null");
            q.on(tid, "open /dev/null");
            assertEquals(1, tracker.fetch(tid).openFiles(), "a thread entity through the same churn");
            report(String.format("4. fd churn: %d open/close pairs in a process entity (100 kept open: counted 100)"
                    + " and %d in a thread entity (1 kept: counted 1); exact against /proc/PID/fd; %d s", FD_CHURN,
                    FD_CHURN, seconds(t0)));
        }
        assertTablesEmpty("fd churn");
    }

    @Test
    @Order(5)
    void eightClientsOnTheSameAndDifferentPids() throws Exception {
        long t0 = System.nanoTime();
        List<Workload> shared = new ArrayList<>(), own = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) shared.add(Workload.start());
            for (int i = 0; i < CLIENTS; i++) own.add(Workload.start());
            Map<Integer, AtomicLong> registered = new HashMap<>(), deregistered = new HashMap<>();
            for (Workload w : shared) { registered.put(w.pid(), new AtomicLong()); deregistered.put(w.pid(), new AtomicLong()); }
            for (Workload w : own) { registered.put(w.pid(), new AtomicLong()); deregistered.put(w.pid(), new AtomicLong()); }
            AtomicLong ops = new AtomicLong(), refused = new AtomicLong();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    // each client with its own handles on the pinned maps, as separate CLI processes have
                    try (ResourceTracker t = ResourceTracker.open(tracker.state().dir().getParent())) {
                        for (int r = 0; r < CLIENT_ROUNDS; r++) {
                            int pid = (r % 2 == 0 ? shared.get((client + r) % shared.size()) : own.get(client)).pid();
                            if (step(() -> t.register(pid), ops, refused, Errno.ALREADY)) registered.get(pid).incrementAndGet();
                            boolean replace = r % 3 == 0;
                            step(() -> t.cap(pid, new Quota(1L << 30, 1000), replace), ops, refused, Errno.ALREADY, Errno.EINVAL);
                            step(() -> t.fetch(pid), ops, refused, Errno.EINVAL);
                            if (step(() -> t.deregister(pid), ops, refused, Errno.ESRCH)) deregistered.get(pid).incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            List<Integer> left = TrackerMaps.of(tracker.state()).entities().intKeys();
            long regs = 0;
            for (var e : registered.entrySet()) {
                long leftover = left.contains(e.getKey()) ? 1 : 0;
                assertEquals(e.getValue().get(), deregistered.get(e.getKey()).get() + leftover,
                        "pid " + e.getKey() + ": every registration deregistered once or still there, none twice");
                regs += e.getValue().get();
            }
            for (int pid : left) tracker.deregister(pid);
            report(String.format("5. %d concurrent clients x %d rounds (register, cap, fetch, deregister) over 4 shared"
                    + " and %d own pids: %d operations, %d refused with their documented errno, %d registrations, each"
                    + " deregistered exactly once or still tracked; %d s", CLIENTS, CLIENT_ROUNDS, CLIENTS, ops.get(),
                    refused.get(), regs, seconds(t0)));
        } finally {
            shared.forEach(Workload::close);
            own.forEach(Workload::close);
        }
        assertTablesEmpty("concurrent clients");
    }

    /**
     * More quota kills than the kernel's ring holds (4,096), each by the kernel at the crossing
     * call: every kill counted, the overwritten ones too, and the ring holds the newest.
     */
    @Test
    @Order(6)
    void moreKillsThanTheRingHolds() throws Exception {
        long t0 = System.nanoTime();
        long before = tracker.events().total();
        List<Integer> victims = Collections.synchronizedList(new ArrayList<>());
        parallel(IntStream.range(0, KILLS).boxed().toList(), i -> {
            try (Workload w = Workload.start()) {
                tracker.register(w.pid());
                tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 0), false);
                victims.add(w.pid());
                try {
                    w.open("/dev/null");
                    throw new AssertionError("not killed at its first open: " + w.pid());
                } catch (Workload.WorkloadDied expected) {
                    assertEquals(128 + 9, expected.exitStatus());
                }
            }
        });
        EventLog log = tracker.events();
        assertEquals(before + KILLS, log.total(), "every kill counted");
        assertEquals(log.total() - Records.EVENT_SLOTS, log.overwritten(), "the overwritten ones too");
        assertEquals(Records.EVENT_SLOTS, log.events().size(), "the ring is full of valid events");
        Set<Integer> mine = new HashSet<>(victims);
        assertTrue(log.events().stream().allMatch(e -> mine.contains(e.pid()) && e.syscall().equals("openat")),
                "each a victim's, at its openat");
        assertEquals(log.events().size(), log.events().stream().map(KillEvent::seq).distinct().count(), "no event twice");
        report(String.format("6. kill storm: %d tracked processes killed by the kernel at their first open, 8 at a time;"
                + " kills counted %d, overwritten %d, the ring full with %d distinct events, each a victim's; %d s",
                KILLS, log.total() - before, log.overwritten(), log.events().size(), seconds(t0)));
        assertTablesEmpty("kill storm");
    }

    /**
     * Everything at once: tracked processes churning descriptors, threads and children while eight
     * clients register and deregister their threads and re-cap them. Then all exit, and the exit
     * hooks, run while the clients' bpf() calls are busy on the same maps, must leave nothing.
     */
    @Test
    @Order(7)
    void everythingAtOnce() throws Exception {
        long t0 = System.nanoTime();
        int processes = 200, threads = 15;
        List<Workload> all = new ArrayList<>();
        Map<Workload, Base> base = new HashMap<>();
        ExecutorService wide = Executors.newFixedThreadPool(CLIENTS + 8);
        try {
            for (int i = 0; i < processes; i++) all.add(Workload.start());
            for (Workload w : all) base.put(w, register(w));
            Map<Workload, List<Integer>> tids = new ConcurrentHashMap<>();
            parallel(all, w -> {
                List<Integer> t = new ArrayList<>();
                for (int i = 0; i < threads; i++) t.add(w.thread());
                tids.put(w, t);
            });
            List<Integer> everyTid = tids.values().stream().flatMap(List::stream).toList();
            AtomicBoolean busy = new AtomicBoolean(true);
            AtomicLong ops = new AtomicLong(), refused = new AtomicLong();
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(wide.submit(() -> {
                    try (ResourceTracker t = ResourceTracker.open(tracker.state().dir().getParent())) {
                        for (int r = 0; busy.get(); r++) {
                            int tid = everyTid.get((client * 7919 + r * 31) % everyTid.size());
                            int pid = all.get((client + r) % all.size()).pid();
                            // some threads exit meanwhile: ESRCH is their documented answer
                            step(() -> t.register(tid), ops, refused, Errno.ALREADY, Errno.ESRCH);
                            step(() -> t.fetch(tid), ops, refused, Errno.EINVAL);
                            step(() -> t.cap(pid, new Quota(1L << 34, 1L << 20), true), ops, refused);
                            if (r % 2 == 0) step(() -> t.deregister(tid), ops, refused, Errno.ESRCH);
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> work = new ArrayList<>();
            for (Workload w : all) {
                work.add(wide.submit(() -> {
                    List<Integer> t = tids.get(w);
                    for (int i = 0; i < 4; i++) w.on(t.get(i), "fdchurn 2000 /dev/null");
                    w.on(t.get(4), "forks 100");
                    w.on(t.get(5), "open /dev/null");
                    w.on(t.get(6), "mmap 1048576");
                    for (int i = 7; i < threads; i += 2) w.exitThread(t.get(i));
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
            busy.set(false);
            for (Future<?> f : clients) f.get();
            parallel(all, w -> assertExact(w, base.get(w)));
            int entities = TrackerMaps.of(tracker.state()).entities().intKeys().size();
            for (Workload w : all) w.close();
            all.clear();
            report(String.format("7. everything at once: %d tracked processes of %d threads churning %d descriptors,"
                    + " %d children and %d thread exits while %d clients made %d operations on their threads (%d"
                    + " refused with documented errnos); figures exact; %d entities when all %d processes exited, %d"
                    + " after; %d s", processes, threads + 1, processes * 4 * 2000, processes * 100, processes * 4,
                    CLIENTS, ops.get(), refused.get(), entities, processes,
                    TrackerMaps.of(tracker.state()).entities().intKeys().size(), seconds(t0)));
        } finally {
            for (Workload w : all) w.close();
            wide.shutdownNow();
        }
        assertTablesEmpty("everything at once");
    }

    private interface Op {
        void run();
    }

    /** True when op succeeded; a TrackerException is allowed only with one of the errnos the race allows. */
    private static boolean step(Op op, AtomicLong ops, AtomicLong refused, Errno... allowed) {
        ops.incrementAndGet();
        try {
            op.run();
            return true;
        } catch (TrackerException e) {
            assertTrue(List.of(allowed).contains(e.errno()), "unexpected " + e.errno() + ": " + e.getMessage());
            refused.incrementAndGet();
            return false;
        }
    }
}
