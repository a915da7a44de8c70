package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import restracker.cli.Main;
import restracker.testing.Child;
import restracker.testing.JsonTree;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * `restracker daemon` as operators run it, a JVM of its own: stopped and started again it gives the
 * same answer, because the state is the kernel's; while no daemon runs the kernel still enforces.
 */
class DaemonRestartTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)/");
    @Loaded
    private static ResourceTracker tracker;

    /** A daemon JVM on a free loopback port, and a client for it. */
    record Running(Child child, Client client) implements AutoCloseable {
        Process process() {
            return child.process();
        }

        /** SIGTERM, as systemd stops it; the shutdown hook closes the server. */
        @Override
        public void close() {
            if (!child.stop(Duration.ofSeconds(30))) throw new AssertionError("the daemon did not stop within 30 s of SIGTERM");
        }
    }

    static Running startDaemon() throws Exception {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "daemon", "--listen", "127.0.0.1:0", "--no-control");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("RESTRACKER_PIN_DIR", TestKernel.pinDir(DaemonRestartTest.class).toString());
        Child daemon = Child.start(pb, "restracker daemon");
        String line = daemon.nextLine(Duration.ofSeconds(60));
        Matcher m = LISTENING.matcher(line);
        if (!m.find()) {
            daemon.kill();
            throw new AssertionError("the daemon did not say where it listens: " + line);
        }
        return new Running(daemon, new Client(m.group(1)));
    }

    /** The processes the daemon lists (without the reading's time). */
    private static JsonNode processes(Client c) {
        return JsonTree.parse(c.get("/api/processes").body()).get("processes");
    }

    /** The one kill of pid in the daemon's /api/events. */
    private static JsonNode killOf(Client c, long pid) {
        return JsonTree.withPid(JsonTree.parse(c.get("/api/events").body()).get("events"), pid);
    }

    @Test
    void restartedDaemonSeesTheSameStateAndTheKernelEnforcesMeanwhile() throws Exception {
        try (Workload kept = Workload.start(); Workload victim = Workload.start()) {
            tracker.register(kept.pid());
            tracker.cap(kept.pid(), new Quota(32L << 20, 8), false);
            kept.mmap(2 << 20);
            tracker.register(victim.pid());
            tracker.cap(victim.pid(), new Quota(Quota.UNLIMITED, 0), false);
            JsonNode before;
            String keptBefore;
            Running first = startDaemon();
            try (first) {
                before = processes(first.client());
                keptBefore = first.client().get("/api/processes/" + kept.pid()).body();
                assertTrue(JsonTree.hasPid(before, kept.pid()), before.toString());
                assertTrue(JsonTree.hasPid(before, victim.pid()), before.toString());
            }
            assertEquals(128 + 15, first.process().exitValue(), "stopped by SIGTERM");

            // No daemon now: the kernel alone kills the victim at its first open.
            assertThrows(Workload.WorkloadDied.class, () -> victim.open("/dev/null"));
            assertEquals(128 + 9, victim.waitForExit());

            try (Running second = startDaemon()) {
                JsonNode after = processes(second.client());
                assertEquals(keptBefore, second.client().get("/api/processes/" + kept.pid()).body(), "as before the restart");
                assertEquals(JsonTree.parse("[" + keptBefore + "]"), after, "the kept process only: the victim is gone");
                assertEquals("files", killOf(second.client(), victim.pid()).get("quota").asText(), "the kill made while no daemon ran");
                assertEquals(1, DaemonTest.metric(second.client().get("/metrics").body(),
                        "restracker_quota_kills_total{reason=\"files\"}"));
            }
        }
    }

    /**
     * SIGKILL, not SIGTERM: no shutdown hook runs, and requests (and a stream) are in flight. The
     * kernel goes on enforcing, the CLI's lock is not left held, and the next daemon serves the
     * same state.
     */
    @Test
    void aDaemonKilledMidRequestsLeavesEnforcementAndStateIntact() throws Exception {
        try (Workload kept = Workload.start(); Workload victim = Workload.start()) {
            tracker.register(kept.pid());
            tracker.cap(kept.pid(), new Quota(64L << 20, 8), false);
            kept.open("/dev/null");
            tracker.register(victim.pid());
            tracker.cap(victim.pid(), new Quota(1L << 20, Quota.UNLIMITED), false);
            Running first = startDaemon();
            String keptBefore;
            Client.Stream stream;
            try {
                keptBefore = first.client().get("/api/processes/" + kept.pid()).body();
                stream = first.client().stream();
            } catch (RuntimeException | Error e) {
                first.child().kill(); // no daemon outlives the test
                throw e;
            }
            AtomicInteger served = new AtomicInteger();
            List<Thread> busy = new ArrayList<>();
            for (String path : List.of("/api/processes", "/metrics", "/api/events", "/api/processes/" + kept.pid())) {
                busy.add(Thread.ofPlatform().start(() -> {
                    try {
                        while (true) {
                            first.client().get(path);
                            served.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        // the daemon died under this client: expected
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (served.get() < 40 && System.nanoTime() < deadline) Thread.sleep(10); // requests are flowing
            int servedBeforeKill = served.get();
            first.process().destroyForcibly();
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS), "the daemon ended within 30 s of SIGKILL");
            assertEquals(128 + 9, first.process().exitValue(), "killed by SIGKILL");
            assertTrue(servedBeforeKill >= 40, "requests were flowing when it was killed: " + servedBeforeKill + " answered in 60 s");
            for (Thread t : busy) {
                t.join(60_000);
                assertTrue(!t.isAlive(), "a client of the dead daemon returned");
            }
            stream.close();

            // The kernel enforces without it: the victim dies at the mmap that crosses 1 MiB.
            assertThrows(Workload.WorkloadDied.class, () -> victim.mmap(2 << 20));
            assertEquals(128 + 9, victim.waitForExit());
            // Nothing of the daemon's is left holding the state: changes go through as before.
            try (Workload other = Workload.start()) {
                tracker.register(other.pid());
                tracker.deregister(other.pid());
            }
            try (Running second = startDaemon()) {
                assertEquals(keptBefore, second.client().get("/api/processes/" + kept.pid()).body(), "as before the kill");
                assertEquals("heap", killOf(second.client(), victim.pid()).get("quota").asText(), "the kill made while no daemon ran");
                assertEquals(404, second.client().get("/api/processes/" + victim.pid()).status());
            }
            tracker.deregister(kept.pid());
        }
    }
}
