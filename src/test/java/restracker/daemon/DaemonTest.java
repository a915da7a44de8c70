package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernelops.KernelTracer;
import restracker.testing.Child;
import restracker.testing.JsonTree;
import restracker.testing.KernelReach;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.TracerColumns;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/** The daemon in this JVM over the tests' own pinned tracker, driven over real HTTP on loopback. */
class DaemonTest {
    @Loaded
    private static ResourceTracker tracker;
    private static Daemon daemon;
    private static Client client;

    @BeforeAll
    static void start() {
        daemon = Daemon.start(TestKernel.pinDir(DaemonTest.class), new Listen("127.0.0.1", 0));
        client = new Client("http://127.0.0.1:" + daemon.address().getPort());
    }

    @AfterAll
    static void stop() {
        if (daemon != null) daemon.close();
    }

    @Test
    void apiListsATrackedPid() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(40L << 20, 5), false);
            w.mmap(8 << 20);
            w.open("/dev/null");
            client.awaitReadingAfterNow();
            Client.Response list = client.get("/api/processes");
            assertEquals(200, list.status());
            assertTrue(list.contentType().startsWith("application/json"), list.contentType());
            JsonNode all = JsonTree.parse(list.body());
            assertTrue(all.get("loaded").asBoolean(), list.body());
            Client.Response one = client.get("/api/processes/" + w.pid());
            assertEquals(200, one.status());
            JsonNode p = JsonTree.parse(one.body());
            assertEquals(p, JsonTree.withPid(all.get("processes"), w.pid()), "the list holds the same entry");
            assertEquals(w.pid(), p.get("pid").asInt(), one.body());
            assertEquals("process", p.get("scope").asText(), one.body());
            assertEquals("workload", p.get("comm").asText(), one.body());
            assertEquals(8L << 20, p.get("heapsize_bytes").asLong(), one.body());
            assertEquals(1, p.get("openfile_count").asLong(), one.body());
            assertEquals(40L << 20, p.get("heapsize_quota_bytes").asLong(), one.body());
            assertEquals(5, p.get("openfile_quota").asLong(), one.body());
            assertEquals(w.vmDataBytes(), p.get("vmdata_bytes").asLong(), "VmData of /proc/PID/status: " + one.body());
            assertEquals(w.openFds(), p.get("open_fds").asLong(), "entries of /proc/PID/fd: " + one.body());
            tracker.deregister(w.pid());
            client.awaitReadingAfterNow();
            assertEquals(404, client.get("/api/processes/" + w.pid()).status());
        }
    }

    @Test
    void historyKeepsRecentSamplesOfATrackedPid() throws InterruptedException {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            JsonNode history = JsonTree.parse(client.get("/api/history").body());
            for (int i = 0; i < 60 && !history.path("processes").has(Integer.toString(w.pid())); i++) {
                Thread.sleep(250);
                history = JsonTree.parse(client.get("/api/history").body());
            }
            assertEquals(5, history.get("interval_seconds").asInt(), history.toString());
            JsonNode samples = history.get("processes").get(Integer.toString(w.pid()));
            assertTrue(samples != null && samples.isArray() && !samples.isEmpty() && samples.get(0).isArray(),
                    "samples of " + w.pid() + " in " + history);
            tracker.deregister(w.pid());
        }
    }

    @Test
    void answersPlainErrors() {
        assertEquals(400, client.get("/api/processes/abc").status());
        assertEquals(404, client.get("/api/nothing").status());
        assertEquals(404, client.get("/nothing.html").status());
        Client.Response post = client.post("/api/processes");
        assertEquals(405, post.status());
        assertTrue(post.body().contains("only reads"), post.body());
    }

    @Test
    void onLoopbackOnlyRequestsForLoopbackNamesAreServed() throws Exception {
        assertTrue(rawGet("localhost:" + daemon.address().getPort()).startsWith("HTTP/1.1 200"));
        assertTrue(rawGet("127.0.0.1").startsWith("HTTP/1.1 200"));
        assertTrue(rawGet("[::1]:9464").startsWith("HTTP/1.1 200"));
        String rebound = rawGet("attacker.example:" + daemon.address().getPort());
        assertTrue(rebound.startsWith("HTTP/1.1 403") && rebound.contains("localhost only"), rebound);
        assertTrue(!LoopbackHostFilter.isLoopbackName("127.0.0.1.attacker.example"));
    }

    /** GET /api/processes with the given Host header, over a plain socket (HttpClient will not set Host). */
    private static String rawGet(String host) throws IOException {
        try (var s = RawHttp.connect(daemon.address().getPort())) {
            s.getOutputStream().write(("GET /api/processes HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aQuotaKillShowsInMetricsEventsAndTheStream() throws Exception {
        double filesKillsBefore = metric(client.get("/metrics").body(), "restracker_quota_kills_total{reason=\"files\"}");
        try (Client.Stream stream = client.stream(); Workload w = Workload.start()) {
            stream.await("event: ready");
            tracker.register(w.pid());
            JsonNode registered = stream.awaitEvent("register", e -> e.path("pid").asInt() == w.pid());
            assertEquals("workload", registered.get("comm").asText(), registered.toString());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 1), false);
            w.open("/dev/null");
            assertThrows(Workload.WorkloadDied.class, () -> w.open("/dev/null"));
            assertEquals(128 + 9, w.waitForExit());
            ObjectNode streamed = (ObjectNode) stream.awaitEvent("kill", e -> e.path("pid").asInt() == w.pid());
            assertEquals("files", streamed.get("quota").asText(), streamed.toString());
            assertEquals("openat", streamed.get("syscall").asText(), streamed.toString());
            JsonNode logged = JsonTree.withPid(JsonTree.parse(client.get("/api/events").body()).get("events"), w.pid());
            assertEquals("files", logged.get("quota").asText(), logged.toString());
            assertEquals(2, logged.get("usage").asLong(), "the second open crossed the quota: " + logged);
            assertEquals(1, logged.get("limit").asLong(), logged.toString());
            // One daemon converts the kill's boot-relative time with one offset: both readings agree exactly.
            assertEquals(logged.get("time").asText(), streamed.remove("time").asText(), "the same kill, the same time");
            ObjectNode listed = logged.deepCopy();
            listed.remove("time");
            assertEquals(streamed, listed, "the stream sent what the log holds");
            client.awaitReadingAfterNow(); // after the exit: the killed process is gone from the table
            String metrics = client.get("/metrics").body();
            assertEquals(filesKillsBefore + 1, metric(metrics, "restracker_quota_kills_total{reason=\"files\"}"), metrics);
            assertTrue(!metrics.contains("pid=\"" + w.pid() + "\""), "a killed process has no series left");
        }
    }

    @Test
    void metricsCarryTheTrackedEntityAndPassPromtool() throws Exception {
        try (Workload w = Workload.start(); Workload other = Workload.start()) {
            int fdsAtRegistration = w.openFds();
            tracker.register(w.pid());
            tracker.register(other.pid());
            tracker.cap(w.pid(), new Quota(64L << 20, 10), false);
            w.mmap(4 << 20);
            w.open("/dev/null");
            w.pipe();
            client.awaitReadingAfterNow();
            Client.Response r = client.get("/metrics");
            assertEquals(200, r.status());
            String labels = "{comm=\"workload\",pid=\"" + w.pid() + "\",scope=\"process\"}";
            assertEquals(4 << 20, metric(r.body(), "restracker_heap_bytes" + labels), r.body());
            assertEquals(64L << 20, metric(r.body(), "restracker_heap_quota_bytes" + labels), "the quota set");
            assertEquals(3, w.openFds() - fdsAtRegistration, "a file and a pipe's two ends, in /proc/PID/fd");
            assertEquals(w.openFds() - fdsAtRegistration, metric(r.body(), "restracker_open_files" + labels),
                    "the growth of /proc/PID/fd since registration");
            assertEquals(10, metric(r.body(), "restracker_open_files_quota" + labels), "the quota set");
            assertFalse(r.body().contains("restracker_open_files_quota{comm=\"workload\",pid=\"" + other.pid() + "\""),
                    "no quota set: no quota series");
            assertEquals(trackedInPinDir(), metric(r.body(), "restracker_tracked_entities"), "what this class's pin dir tracks");
            assertEquals(2, trackedInPinDir(), "the two workloads, nothing else");
            assertEquals(1, metric(r.body(), "restracker_tracker_loaded"));
            assertTrue(r.body().contains("process_resident_memory_bytes"), "the daemon's own health");
            promtool(r.body());
            tracker.deregister(w.pid());
            tracker.deregister(other.pid());
        }
    }

    /** The entries of the pinned entities map of this class's pin dir, counted by bpftool. */
    private static int trackedInPinDir() {
        Path map = TestKernel.pinDir(DaemonTest.class).resolve("tracker/entities");
        Child.Output o = Child.run(new ProcessBuilder("bpftool", "-j", "map", "dump", "pinned", map.toString()),
                "bpftool map dump pinned " + map, Duration.ofSeconds(60));
        assertEquals(0, o.status(), o.err());
        return JsonTree.parse(o.out()).size();
    }

    @Test
    void tracerCountersShowInTheApiAndMetrics() throws Exception {
        try (Workload w = Workload.start(); KernelTracer tracer = KernelTracer.open(TestKernel.pinDir(DaemonTest.class))) {
            long switchesAtAdd = w.contextSwitches();
            tracer.add(w.pid());
            w.readFile(50, "/proc/self/stat"); // kernel work: each read kmallocs its buffers; switches
            JsonNode api = JsonTree.parse(client.get("/api/tracer").body());
            assertTrue(api.get("loaded").asBoolean(), api.toString());
            assertTrue(JsonTree.hasPid(api.get("processes"), w.pid()), api.toString());
            long switchesBefore = w.contextSwitches() - switchesAtAdd;
            String metrics = client.get("/metrics").body();
            long switchesAfter = w.contextSwitches() - switchesAtAdd;
            assertEquals(1, metric(metrics, "restracker_tracer_loaded"));
            String labels = "{comm=\"workload\",pid=\"" + w.pid() + "\"}";
            double switches = metric(metrics, "restracker_tracer_context_switches_total" + labels);
            assertTrue(switches >= switchesBefore && switches <= switchesAfter, "context switches " + switches
                    + " within the growth /proc/PID/status shows around the scrape: [" + switchesBefore + ", " + switchesAfter + "]");
            assertTrue(metric(metrics, "restracker_tracer_kmalloc_calls_total" + labels) >= 150, "50 reads of /proc/self/stat");
            for (String column : TracerColumns.counters()) {
                String hook = KernelReach.hookOf(column);
                assertEquals(hook.equals("none") ? 0 : 1, metric(metrics, "restracker_tracer_column_measured{column=\""
                        + column + "\",hook=\"" + hook + "\"}"), column + " as this kernel allows");
            }
            promtool(metrics);
            tracer.remove(w.pid());
        }
    }

    /** `promtool check metrics` (Debian's prometheus package) on the exposition text. */
    static void promtool(String exposition) throws IOException, InterruptedException {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            if (TestKernel.onCi()) throw new AssertionError("promtool is missing: scripts/setup installs the prometheus package");
            org.junit.jupiter.api.Assumptions.abort("promtool is not installed (apt-get install prometheus)");
        }
        Child.Output o = Child.run(new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true),
                "promtool check metrics", exposition, Duration.ofSeconds(60));
        assertEquals(0, o.status(), "promtool check metrics:\n" + o.out());
    }

    /** The value of the series written exactly as name{labels}. */
    static double metric(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        throw new AssertionError("no series " + series);
    }
}
