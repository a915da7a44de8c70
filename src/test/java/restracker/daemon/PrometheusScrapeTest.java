package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * A real Prometheus server (Debian's prometheus package) on loopback scrapes the daemon; a series
 * comes back, and every query of the Grafana dashboard (deploy/grafana) runs on what it scraped.
 */
class PrometheusScrapeTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path GRAFANA = Path.of("deploy/grafana/restracker-dashboard.json");
    private static final Pattern EXPR = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"");
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
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(64L << 20, 16), false);
            w.mmap(3 << 20);
            Client prom = new Client("http://127.0.0.1:" + port);
            String query = "/api/v1/query?query=" + URLEncoder.encode(
                    "restracker_heap_bytes{job=\"restracker\",pid=\"" + w.pid() + "\"}", StandardCharsets.UTF_8);
            String answer = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    answer = prom.get(query).body();
                    if (answer.contains("\"value\":[")) break;
                } catch (RuntimeException notUpYet) {
                    answer = notUpYet.toString();
                }
                Thread.sleep(500);
            }
            assertTrue(answer.contains("\"pid\":\"" + w.pid() + "\"") && answer.contains("\"" + (3 << 20) + "\"]"),
                    "Prometheus has the series with the value the kernel counted: " + answer + "\nlog: "
                            + Files.readString(dir.resolve("prometheus.log")));
            String up = prom.get("/api/v1/query?query=" + URLEncoder.encode("up{job=\"restracker\"}", StandardCharsets.UTF_8)).body();
            assertTrue(up.contains("\"1\"]"), "the target is up: " + up);
            // Every query of the Grafana dashboard is valid PromQL over these metrics, and most find a series.
            Matcher m = EXPR.matcher(Files.readString(GRAFANA));
            int queries = 0, withData = 0;
            while (m.find()) {
                String expr = m.group(1).replace("\\\"", "\"").replace("\\\\", "\\").replace("$__range", "1h")
                        .replace("$instance", ".*").replace("$job", ".*");
                String r = prom.get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).body();
                assertTrue(r.contains("\"status\":\"success\""), expr + " -> " + r);
                queries++;
                if (r.contains("\"value\":[")) withData++;
            }
            assertTrue(queries >= 10, "the dashboard's queries were found: " + queries);
            assertTrue(withData >= queries / 2, withData + " of " + queries + " dashboard queries have data");
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(30, TimeUnit.SECONDS)) prometheus.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
