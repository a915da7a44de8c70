package restracker.daemon;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import restracker.tracker.ResourceTracker;

/**
 * {@code restracker daemon}: an HTTP server over the kernel-resident state. It serves
 * <ul>
 *   <li>{@code /api/processes}, {@code /api/processes/{pid}}, {@code /api/events},
 *       {@code /api/tracer}, {@code /api/history}: JSON, read-only;
 *   <li>{@code /api/stream}: server-sent events of registrations and kills;
 *   <li>{@code /metrics}: Prometheus metrics (the official client's exposition);
 *   <li>{@code /}: the dashboard.
 * </ul>
 * It reads the pinned maps on each request and owns nothing: the kernel enforces the quotas
 * whether or not a daemon runs, and a restarted daemon sees the same state. One virtual thread per
 * request; the event stream is bounded (see {@link EventStream}). On loopback it answers requests
 * for loopback names only (see {@link LoopbackHostFilter}).
 */
public final class Daemon implements AutoCloseable {
    /** Connections served at once; more are closed as they arrive (the JDK server's default: no bound). */
    public static final int MAX_CONNECTIONS = 128;
    /** Seconds a client may take to send a request's headers (the JDK server's default: forever). */
    static final int MAX_REQUEST_SECONDS = 30;

    private final HttpServer server;
    private final EventStream stream;
    private final History history;
    private final ExecutorService executor;

    private Daemon(HttpServer server, EventStream stream, History history, ExecutorService executor) {
        this.server = server;
        this.stream = stream;
        this.history = history;
        this.executor = executor;
    }

    /**
     * Loads the tracker into the kernel at pinDir if it is absent (as any CLI command does), then
     * listens. Port 0 chooses a free port: see {@link #address()}.
     */
    public static Daemon start(Path pinDir, Listen listen) {
        boundConnections();
        ResourceTracker.open(pinDir).close();
        KernelView view = new KernelView(pinDir);
        EventStream stream = new EventStream(view);
        History history = History.sampling(view);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new TrackerCollector(view, stream));
        JvmMetrics.builder().register(registry);
        HttpServer server;
        try {
            server = HttpServer.create(listen.socketAddress(), 0);
        } catch (IOException e) {
            stream.close();
            history.close();
            throw new UncheckedIOException("cannot listen on " + listen.host() + ":" + listen.port() + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        ApiHandler api = new ApiHandler(view, history);
        List<HttpContext> contexts = List.of(
                server.createContext("/api/", new Guarded(api)),
                server.createContext("/api/stream", new Guarded(stream)),
                server.createContext("/metrics", new Guarded(new MetricsHandler(registry))),
                server.createContext("/", new Guarded(new StaticHandler())));
        if (listen.loopbackOnly()) {
            for (HttpContext c : contexts) c.getFilters().add(new LoopbackHostFilter());
        }
        server.start();
        return new Daemon(server, stream, history, executor);
    }

    /**
     * Without these, idle and slow (slowloris) clients could hold any number of connections and
     * threads. The JDK server reads them once, when its first server starts: an operator's own
     * -D settings win.
     */
    private static void boundConnections() {
        if (System.getProperty("jdk.httpserver.maxConnections") == null) {
            System.setProperty("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
        }
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        }
    }

    /** The address actually bound (the chosen port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops serving; the kernel state and its enforcement are untouched. */
    @Override
    public void close() {
        stream.close();
        history.close();
        server.stop(1);
        executor.shutdownNow();
    }
}
