package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.testing.Child;
import restracker.testing.TestKernel;
import restracker.tracer.Counter;
import restracker.tracer.KernelTracer;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/** The daemon in this JVM over the tests' own pinned tracker, driven over real HTTP on loopback. */
class DaemonTest {
    private static ResourceTracker tracker;
    private static Daemon daemon;
    private static Client client;

    @BeforeAll
    static void start() {
        tracker = TestKernel.tracker(DaemonTest.class);
        daemon = Daemon.start(TestKernel.pinDir(DaemonTest.class), new Listen("127.0.0.1", 0));
        client = new Client("http://127.0.0.1:" + daemon.address().getPort());
    }

    @AfterAll
    static void stop() {
        if (daemon != null) daemon.close();
        TestKernel.unload(DaemonTest.class, tracker);
    }

    @Test
    void apiListsATrackedPid() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(40L << 20, 5), false);
            w.mmap(8 << 20);
            w.open("/dev/null");
            Client.Response list = client.get("/api/processes");
            assertEquals(200, list.status());
            assertTrue(list.contentType().startsWith("application/json"), list.contentType());
            assertTrue(list.body().contains("\"loaded\":true"), list.body());
            assertTrue(list.body().contains("\"pid\":" + w.pid() + ","), list.body());
            Client.Response one = client.get("/api/processes/" + w.pid());
            assertEquals(200, one.status());
            for (String field : List.of("\"pid\":" + w.pid(), "\"scope\":\"process\"", "\"comm\":\"workload\"",
                    "\"heapsize_bytes\":" + (8 << 20), "\"openfile_count\":1", "\"heapsize_quota_bytes\":" + (40L << 20),
                    "\"openfile_quota\":5", "\"vmdata_bytes\":" + w.vmDataBytes(), "\"open_fds\":" + w.openFds())) {
                assertTrue(one.body().contains(field), field + " in " + one.body());
            }
            tracker.deregister(w.pid());
            assertEquals(404, client.get("/api/processes/" + w.pid()).status());
        }
    }

    @Test
    void historyKeepsRecentSamplesOfATrackedPid() throws InterruptedException {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            String body = "";
            for (int i = 0; i < 60 && !body.contains("\"" + w.pid() + "\":[["); i++) {
                Thread.sleep(250);
                body = client.get("/api/history").body();
            }
            assertTrue(body.contains("\"interval_seconds\":5") && body.contains("\"" + w.pid() + "\":[["), body);
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
            stream.await("\"pid\":" + w.pid() + ",", "\"comm\":\"workload\"");
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 1), false);
            w.open("/dev/null");
            assertThrows(Workload.WorkloadDied.class, () -> w.open("/dev/null"));
            assertEquals(128 + 9, w.waitForExit());
            String kill = stream.await("\"pid\":" + w.pid() + ",", "\"quota\":\"files\"", "\"syscall\":\"openat\"");
            assertTrue(kill.startsWith("data: "), kill);
            Client.Response events = client.get("/api/events");
            assertTrue(events.body().contains("\"pid\":" + w.pid() + ",") && events.body().contains("\"usage\":2,\"limit\":1"),
                    events.body());
            String metrics = client.get("/metrics").body();
            assertEquals(filesKillsBefore + 1, metric(metrics, "restracker_quota_kills_total{reason=\"files\"}"), metrics);
            assertTrue(!metrics.contains("pid=\"" + w.pid() + "\""), "a killed process has no series left");
        }
    }

    @Test
    void metricsCarryTheTrackedEntityAndPassPromtool() throws Exception {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(64L << 20, 10), false);
            w.mmap(4 << 20);
            Client.Response r = client.get("/metrics");
            assertEquals(200, r.status());
            String labels = "{comm=\"workload\",pid=\"" + w.pid() + "\",scope=\"process\"}";
            assertEquals(4 << 20, metric(r.body(), "restracker_heap_bytes" + labels), r.body());
            assertEquals(64L << 20, metric(r.body(), "restracker_heap_quota_bytes" + labels));
            assertEquals(0, metric(r.body(), "restracker_open_files" + labels));
            assertEquals(10, metric(r.body(), "restracker_open_files_quota" + labels));
            assertEquals(1, metric(r.body(), "restracker_tracker_loaded"));
            assertTrue(r.body().contains("process_resident_memory_bytes"), "the daemon's own health");
            promtool(r.body());
            tracker.deregister(w.pid());
        }
    }

    @Test
    void tracerCountersShowInTheApiAndMetrics() throws Exception {
        try (Workload w = Workload.start(); KernelTracer tracer = KernelTracer.open(TestKernel.pinDir(DaemonTest.class))) {
            tracer.add(w.pid());
            for (int i = 0; i < 20; i++) w.close(w.open("/dev/null")); // kernel work: allocations, switches
            Client.Response api = client.get("/api/tracer");
            assertTrue(api.body().contains("\"loaded\":true") && api.body().contains("\"pid\":" + w.pid() + ","), api.body());
            String metrics = client.get("/metrics").body();
            assertEquals(1, metric(metrics, "restracker_tracer_loaded"));
            String labels = "{comm=\"workload\",pid=\"" + w.pid() + "\"}";
            metric(metrics, "restracker_tracer_context_switches_total" + labels); // a series per measured column
            metric(metrics, "restracker_tracer_kmalloc_calls_total" + labels);
            for (Counter c : Counter.values()) {
                boolean measured = tracer.sources().get(c).measured();
                assertEquals(measured ? 1 : 0, metric(metrics, "restracker_tracer_column_measured{column=\"" + c.label()
                        + "\",hook=\"" + (measured ? tracer.sources().get(c).hook().label() : "none") + "\"}"));
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
