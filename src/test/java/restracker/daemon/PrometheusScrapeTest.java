package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernelops.KernelTracer;
import restracker.policy.Match;
import restracker.policy.Mode;
import restracker.policy.Policy;
import restracker.policy.PolicyTable;
import restracker.testing.JsonTree;
import restracker.testing.KernelReach;
import restracker.testing.TempTrees;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * A real Prometheus server (Debian's prometheus package) on loopback scrapes the daemon; a series
 * comes back, and every query of the Grafana dashboard (deploy/grafana) runs on what it scraped and
 * finds data, given the activity it shows: a tracked and capped process, a quota kill, a traced
 * process. The only queries allowed to find nothing are those of {@link #emptyHere()}, each for its reason.
 */
class PrometheusScrapeTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path GRAFANA = Path.of("deploy/grafana/restracker-dashboard.json");
    private static ResourceTracker tracker;
    private static Daemon daemon;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(PROMETHEUS)) {
            if (TestKernel.onCi()) throw new AssertionError("prometheus is missing: scripts/setup installs it");
            Assumptions.abort("prometheus is not installed (apt-get install prometheus)");
        }
        tracker = TestKernel.tracker(PrometheusScrapeTest.class);
        daemon = Daemon.start(TestKernel.pinDir(PrometheusScrapeTest.class), new Listen("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        if (daemon != null) daemon.close();
        if (tracker != null) TestKernel.unload(PrometheusScrapeTest.class, tracker);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The dashboard's queries that find nothing on this machine, each with its reason: the lock
     * counters have no series where the kernel allows neither fentry nor kprobes (KernelReach).
     */
    private static Map<String, String> emptyHere() throws Exception {
        Map<String, String> empty = new HashMap<>();
        if (KernelReach.hookOf("lock").equals("none")) {
            empty.put("rate(restracker_tracer_mutex_lock_calls_total{instance=~\"$instance\"}[1m])",
                    "this kernel refuses fentry and has no kprobes: mutex_lock is not measured, so it has no series");
        }
        for (String reloads : List.of("max by (instance) (restracker_policy_reload_failed{instance=~\"$instance\"})",
                "sum by (instance) (restracker_policy_absent{instance=~\"$instance\"})")) {
            empty.put(reloads, "the daemon here runs without --policies: no reloads (DaemonPoliciesTest has them)");
        }
        return empty;
    }

    /** A query finds data, and a query of the kill counters counts the kill. */
    private static boolean showsItsActivity(String dashboard, JsonNode result) {
        if (!dashboard.contains("restracker_quota_kills_total")) return !result.isEmpty();
        double kills = 0;
        for (JsonNode series : result) kills += series.get("value").get(1).asDouble();
        return kills > 0;
    }

    /** The result vector of a successful instant query. */
    private static JsonNode vector(String answer) {
        JsonNode r = JsonTree.parse(answer);
        assertEquals("success", r.get("status").asText(), answer);
        assertEquals("vector", r.get("data").get("resultType").asText(), answer);
        return r.get("data").get("result");
    }

    @Test
    void prometheusScrapesTheDaemonAndQueriesTheSeriesBack() throws Exception {
        Path dir = Files.createTempDirectory("restracker-prometheus-");
        int port = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: restracker
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(daemon.address().getPort()));
        Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try (Workload w = Workload.start(); Workload victim = Workload.start(); Workload traced = Workload.start();
                KernelTracer tracer = KernelTracer.open(TestKernel.pinDir(PrometheusScrapeTest.class))) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(64L << 20, 16), false);
            w.mmap(3 << 20);
            tracer.add(traced.pid());
            // A policy, for the per-policy series (it holds nobody: no process runs as that uid).
            new PolicyTable(tracker).add(new Policy("nobody-here", new Match(Optional.empty(), false, Optional.empty(),
                    OptionalInt.of(4242), Optional.empty()), new Quota(Quota.UNLIMITED, 64), Mode.ENFORCE, OptionalInt.empty()));
            Client prom = new Client("http://127.0.0.1:" + port);
            String query = "/api/v1/query?query=" + URLEncoder.encode(
                    "restracker_heap_bytes{job=\"restracker\",pid=\"" + w.pid() + "\"}", StandardCharsets.UTF_8);
            String answer = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    answer = prom.get(query).body();
                    if (answer.startsWith("{") && !vector(answer).isEmpty()) break;
                } catch (RuntimeException notUpYet) {
                    answer = notUpYet.toString();
                }
                Thread.sleep(500);
            }
            JsonNode heap = vector(answer);
            assertEquals(1, heap.size(), "one series: " + answer + "\nlog: " + Files.readString(dir.resolve("prometheus.log")));
            assertEquals(Integer.toString(w.pid()), heap.get(0).get("metric").get("pid").asText(), answer);
            assertEquals(3 << 20, heap.get(0).get("value").get(1).asDouble(), "the value the kernel counted: " + answer);
            JsonNode up = vector(prom.get("/api/v1/query?query=" + URLEncoder.encode("up{job=\"restracker\"}", StandardCharsets.UTF_8)).body());
            assertEquals(1, up.get(0).get("value").get(1).asDouble(), "the target is up: " + up);

            // A kill after Prometheus has seen the kill counters at their old value; the traced process works.
            tracker.register(victim.pid());
            tracker.cap(victim.pid(), new Quota(Quota.UNLIMITED, 0), false);
            assertThrows(Workload.WorkloadDied.class, () -> victim.open("/dev/null"));
            traced.readFile(50, "/proc/self/stat");

            // Every query of the Grafana dashboard is valid PromQL over these metrics and finds data,
            // but those that legitimately find nothing here; each is retried until the scrapes caught up.
            Map<String, String> empty = emptyHere();
            List<String> queries = JsonTree.parse(Files.readString(GRAFANA)).findValues("expr").stream().map(JsonNode::asText).toList();
            assertTrue(queries.size() >= 10, "the dashboard's queries were found: " + queries);
            assertTrue(queries.containsAll(empty.keySet()), "the queries listed as empty are the dashboard's: " + empty.keySet());
            for (String dashboard : queries) {
                String expr = dashboard.replace("$__range", "1h").replace("$instance", ".*").replace("$job", ".*");
                String url = "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8);
                JsonNode result = vector(prom.get(url).body());
                for (int i = 0; i < 40 && !empty.containsKey(dashboard) && !showsItsActivity(dashboard, result); i++) {
                    Thread.sleep(500);
                    result = vector(prom.get(url).body());
                }
                if (empty.containsKey(dashboard)) {
                    assertTrue(result.isEmpty(), dashboard + " was listed as empty (" + empty.get(dashboard) + ") but has " + result);
                } else {
                    assertFalse(result.isEmpty(), dashboard + " finds data");
                    assertTrue(showsItsActivity(dashboard, result), dashboard + " shows the kill: " + result);
                }
            }
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(30, TimeUnit.SECONDS)) prometheus.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            TempTrees.delete(dir);
        }
    }
}
