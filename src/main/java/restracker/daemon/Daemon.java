package restracker.daemon;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerHooks;

/**
 * {@code restracker daemon}: an HTTP server over the kernel-resident state. It serves
 * <ul>
 *   <li>{@code /api/processes}, {@code /api/processes/{pid}}, {@code /api/events},
 *       {@code /api/tracer}, {@code /api/history}: JSON, read-only;
 *   <li>{@code /api/stream}: server-sent events of registrations and kills;
 *   <li>{@code /metrics}: Prometheus metrics (the official client's exposition, streamed: see {@link MetricsStream});
 *   <li>{@code /}: the dashboard.
 * </ul>
 * Every answer comes from one shared reading of the pinned maps at most a second old (see
 * {@link KernelView}), and the daemon owns nothing: the kernel enforces the quotas whether or not a
 * daemon runs, and a restarted daemon sees the same state. The server is Jetty,
 * on virtual threads, behind the JDK's {@code com.sun.net.httpserver} handler API; connections are
 * bounded per client (see {@link ClientShares}) and the event stream is bounded (see
 * {@link EventStream}). On loopback it answers requests for loopback names only (see
 * {@link LoopbackHostFilter}).
 */
public final class Daemon implements AutoCloseable {
    /** Connections held at once, of all clients; more are closed as they open. */
    public static final int MAX_CONNECTIONS = 256;
    /**
     * Connections held at once for one client: one user of this machine (whatever loopback address
     * they connect from), or one remote address. More are closed as they open.
     */
    public static final int MAX_CONNECTIONS_PER_CLIENT = 16;
    /** Seconds a connection may stay silent (no request, or a request's headers unfinished) before it is closed. */
    static final int IDLE_SECONDS = 30;

    private final Server jetty;
    private final ServerConnector connector;
    private final KernelView view;
    private final EventStream stream;
    private final History history;
    private final Optional<PolicyReloads> reloads;

    private Daemon(Server jetty, ServerConnector connector, KernelView view, EventStream stream, History history,
            Optional<PolicyReloads> reloads) {
        this.jetty = jetty;
        this.connector = connector;
        this.view = view;
        this.stream = stream;
        this.history = history;
        this.reloads = reloads;
    }

    /**
     * Loads the tracker into the kernel at pinDir if it is absent (as any CLI command does), then
     * listens. Port 0 chooses a free port: see {@link #address()}.
     */
    public static Daemon start(Path pinDir, Listen listen) {
        return start(pinDir, TrackerHooks.DEFAULT_PREFERENCE, listen);
    }

    /** As {@link #start(Path, Listen)}, loading the tracker (if absent) with the first of hooks the kernel accepts. */
    public static Daemon start(Path pinDir, List<TrackerHooks> hooks, Listen listen) {
        return start(pinDir, hooks, listen, Optional.empty());
    }

    /**
     * As {@link #start(Path, List, Listen)}; with a policy directory, its set is applied before the
     * daemon listens and again whenever it changes (see {@link PolicyReloads}), the outcome logged
     * on stderr and counted on /metrics.
     */
    public static Daemon start(Path pinDir, List<TrackerHooks> hooks, Listen listen, Optional<Path> policyDirectory) {
        ResourceTracker.open(pinDir, hooks).close();
        Optional<PolicyReloads> reloads = policyDirectory.map(dir -> PolicyReloads.start(dir, new KernelPolicies(pinDir, hooks),
                System.err));
        KernelView view = new KernelView(pinDir);
        EventStream stream = new EventStream(view);
        History history = History.sampling(view);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new TrackerCollector(view, stream));
        registry.register(new PolicyCollector(view, reloads));
        JvmMetrics.builder().register(registry);
        Server jetty = new Server(new VirtualThreadPool());
        jetty.setHandler(new ContextHandlerCollection());
        ServerConnector connector = new ServerConnector(jetty);
        InetSocketAddress address = listen.socketAddress();
        connector.setHost(address.getAddress() == null || address.getAddress().isAnyLocalAddress()
                ? null : address.getAddress().getHostAddress());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(IDLE_SECONDS * 1000L);
        connector.addBean(new ClientShares(MAX_CONNECTIONS_PER_CLIENT, MAX_CONNECTIONS));
        jetty.addConnector(connector);
        HttpServer server = new JettyHttpServer(jetty, false);
        ApiHandler api = new ApiHandler(view, history, reloads);
        List<HttpContext> contexts = List.of(
                server.createContext("/api", new Guarded(api)),
                server.createContext("/api/stream", new Guarded(stream)),
                server.createContext("/metrics", new Guarded(new MetricsStream(registry))),
                server.createContext("/", new Guarded(new StaticHandler())));
        if (listen.loopbackOnly()) {
            for (HttpContext c : contexts) c.getFilters().add(new LoopbackHostFilter());
        }
        for (HttpContext c : contexts) c.getFilters().add(new PieceWrites());
        try {
            server.bind(address, 0);
            jetty.start();
        } catch (Exception e) {
            stream.close();
            history.close();
            reloads.ifPresent(PolicyReloads::close);
            stopQuietly(jetty);
            view.close();
            throw new UncheckedIOException("cannot listen on " + listen.host() + ":" + listen.port() + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        return new Daemon(jetty, connector, view, stream, history, reloads);
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception ignored) {
            // it did not start
        }
    }

    /** The address actually bound (the chosen port when 0 was asked for). */
    public InetSocketAddress address() {
        String host = connector.getHost();
        return host == null ? new InetSocketAddress(connector.getLocalPort()) : new InetSocketAddress(host, connector.getLocalPort());
    }

    /** Stops serving; the kernel state and its enforcement are untouched. */
    @Override
    public void close() {
        reloads.ifPresent(PolicyReloads::close);
        stream.close();
        history.close();
        stopQuietly(jetty);
        view.close();
    }
}
