package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.json.Json;

/**
 * The responses the daemon writes as they are produced carry the bytes of those built whole: over
 * a real socket, /metrics streamed against the official client's handler on the same registry (in
 * each format a scraper may ask for, gzip included), and a JSON list written element by element
 * against the same object written at once; many pieces long, with labels and strings that need
 * escaping and characters beyond ASCII.
 */
class StreamedResponsesTest {
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String PROTOBUF = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
    private static HttpServer server;
    private static HttpClient client;
    private static final List<Map<String, Object>> ITEMS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Gauge g = Gauge.builder().name("test_heap_bytes").help("a \"help\" with\\ and\nnewline").labelNames("pid", "comm")
                .register(registry);
        Counter c = Counter.builder().name("test_kills").help("kills").labelNames("reason").register(registry);
        for (int i = 0; i < 20_000; i++) {
            String comm = switch (i % 4) {
                case 0 -> "worker-" + i;
                case 1 -> "q\"uo\\te\n" + i;
                case 2 -> "ünï\u2028cødé-😀" + i;
                default -> "";
            };
            g.labelValues(Integer.toString(i), comm).set(i * 4096.5);
            Map<String, Object> m = Json.object();
            m.put("pid", i);
            m.put("comm", comm);
            m.put("quota", i % 3 == 0 ? null : Map.of("heap", (long) i << 20));
            m.put("flags", List.of(true, i % 2 == 0, "x\ty"));
            ITEMS.add(m);
        }
        c.labelValues("heap").inc(3);
        c.labelValues("files").inc();

        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<HttpContext> contexts = new ArrayList<>();
        contexts.add(server.createContext("/client", new MetricsHandler(registry)));
        contexts.add(server.createContext("/stream", new MetricsStream(registry)));
        contexts.add(server.createContext("/whole", ex -> {
            try (ex) {
                Map<String, Object> m = head(ex.getRequestURI().getQuery());
                m.put("processes", items(ex.getRequestURI().getQuery()));
                Http.json(ex, 200, m);
            }
        }));
        contexts.add(server.createContext("/list", ex -> {
            try (ex) {
                Http.jsonList(ex, head(ex.getRequestURI().getQuery()), "processes", items(ex.getRequestURI().getQuery()),
                        m -> m);
            }
        }));
        for (HttpContext ctx : contexts) ctx.getFilters().add(new PieceWrites());
        server.start();
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.stop(0);
    }

    /** ?empty: no members before the list; ?none: an empty list. */
    private static Map<String, Object> head(String query) {
        Map<String, Object> m = Json.object();
        if (!"empty".equals(query)) {
            m.put("loaded", true);
            m.put("time", "2026-01-01T00:00:00Z");
        }
        return m;
    }

    private static List<Map<String, Object>> items(String query) {
        return "none".equals(query) ? List.of() : ITEMS;
    }

    private static HttpResponse<byte[]> get(String path, String method, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) b.headers(headers);
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), path);
        return r;
    }

    private static void sameAsClient(String method, String... headers) throws Exception {
        HttpResponse<byte[]> expected = get("/client", method, headers);
        HttpResponse<byte[]> streamed = get("/stream", method, headers);
        assertEquals(expected.headers().firstValue("Content-Type"), streamed.headers().firstValue("Content-Type"));
        assertEquals(expected.headers().firstValue("Content-Encoding"), streamed.headers().firstValue("Content-Encoding"));
        assertArrayEquals(expected.body(), streamed.body(), "the body of " + method + " " + List.of(headers));
    }

    @Test
    void metricsStreamedAreTheClientsBytes() throws Exception {
        HttpResponse<byte[]> text = get("/stream", "GET");
        assertTrue(text.body().length > PieceWrites.PIECE * 10, "many pieces long: " + text.body().length);
        sameAsClient("GET");
        sameAsClient("GET", "Accept", OPENMETRICS);
        sameAsClient("GET", "Accept", PROTOBUF);
        sameAsClient("GET", "Accept-Encoding", "gzip");
        sameAsClient("HEAD");
    }

    @Test
    void aListWrittenByElementIsTheObjectWrittenAtOnce() throws Exception {
        for (String query : List.of("", "?empty", "?none")) {
            HttpResponse<byte[]> whole = get("/whole" + query, "GET");
            HttpResponse<byte[]> list = get("/list" + query, "GET");
            assertEquals(whole.headers().firstValue("Content-Type"), list.headers().firstValue("Content-Type"));
            assertArrayEquals(whole.body(), list.body(), query);
        }
        assertTrue(get("/list", "GET").body().length > PieceWrites.PIECE * 10);
        assertEquals(0, get("/list", "HEAD").body().length);
    }
}
