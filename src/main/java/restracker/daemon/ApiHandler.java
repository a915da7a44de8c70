package restracker.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import restracker.json.Json;
import restracker.json.JsonViews;
import restracker.tracker.EntityStats;

/**
 * The read-only JSON API under {@code /api/}: {@code processes}, {@code processes/{pid}},
 * {@code events}, {@code policies} (the policies loaded, and the policy directory's reloads),
 * {@code history} (the daemon's recent samples, for charts) and {@code tracer} (the
 * kernel-operations tracer's table). Each answer is the shared reading of the kernel state, at most
 * {@link KernelView#MAX_AGE} old (its {@code time} says when it was taken).
 */
final class ApiHandler implements HttpHandler {
    private final KernelView view;
    private final History history;
    private final Optional<PolicyReloads> reloads;

    ApiHandler(KernelView view, History history, Optional<PolicyReloads> reloads) {
        this.view = view;
        this.history = history;
        this.reloads = reloads;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!Http.getOnly(ex)) return;
            String path = ex.getRequestURI().getPath();
            if (path.endsWith("/") && path.length() > "/api/".length()) path = path.substring(0, path.length() - 1);
            if (path.equals("/api/history")) {
                Http.json(ex, 200, ApiJson.history(history.snapshot()));
                return;
            }
            if (path.equals("/api/tracer")) {
                try {
                    Http.json(ex, 200, ApiJson.tracer(view.readTracer()));
                } catch (RuntimeException e) {
                    Http.json(ex, 500, ApiJson.error("cannot read the tracer's state: " + e.getMessage()));
                }
                return;
            }
            KernelView.Reading r;
            try {
                r = view.read();
            } catch (RuntimeException e) {
                Http.json(ex, 500, ApiJson.error("cannot read the kernel state: " + e.getMessage()));
                return;
            }
            if (path.equals("/api/processes")) {
                Map<String, Object> m = Json.object();
                m.put("loaded", r.loaded());
                m.put("time", r.at().toString());
                Http.jsonList(ex, m, "processes", r.entities(), JsonViews::entity);
            } else if (path.startsWith("/api/processes/")) {
                process(ex, r, path.substring("/api/processes/".length()));
            } else if (path.equals("/api/events")) {
                Http.json(ex, 200, JsonViews.events(r.log()));
            } else if (path.equals("/api/policies")) {
                Http.json(ex, 200, ApiJson.policies(r, reloads.map(PolicyReloads::status)));
            } else {
                Http.json(ex, 404, ApiJson.error("no such endpoint: " + path
                        + " (try /api/processes, /api/processes/PID, /api/events, /api/policies, /api/history, /api/tracer, /api/stream)"));
            }
        }
    }

    private static void process(HttpExchange ex, KernelView.Reading r, String pidText) throws IOException {
        int pid;
        try {
            pid = Integer.parseInt(pidText);
        } catch (NumberFormatException e) {
            Http.json(ex, 400, ApiJson.error("'" + pidText + "' is not a pid"));
            return;
        }
        Optional<EntityStats> s = r.entities().stream().filter(e -> e.pid() == pid).findFirst();
        if (s.isEmpty()) Http.json(ex, 404, ApiJson.error("pid " + pid + " is not tracked"));
        else Http.json(ex, 200, JsonViews.entity(s.get()));
    }
}
