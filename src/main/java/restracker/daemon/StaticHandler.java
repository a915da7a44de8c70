package restracker.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard: a few static files carried in the jar under /dashboard/, served at {@code /}. They
 * are read once, at start, so a jar rebuilt under a running daemon does not break the page.
 */
final class StaticHandler implements HttpHandler {
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.js", "dashboard.js",
            "/dashboard.css", "dashboard.css");

    private final Map<String, byte[]> contents = new java.util.HashMap<>();

    StaticHandler() {
        for (String name : FILES.values()) contents.computeIfAbsent(name, StaticHandler::resource);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!Http.getOnly(ex)) return;
            String name = FILES.get(ex.getRequestURI().getPath());
            if (name == null) {
                Http.json(ex, 404, ApiJson.error("no such page: " + ex.getRequestURI().getPath()));
                return;
            }
            Http.send(ex, 200, contentType(name), contents.get(name));
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) return "text/html";
        if (name.endsWith(".js")) return "text/javascript";
        return "text/css";
    }

    static byte[] resource(String name) {
        try (InputStream in = StaticHandler.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) throw new IllegalStateException("the jar carries no dashboard/" + name + ": rebuild restracker");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
