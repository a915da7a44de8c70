package restracker.daemon;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import restracker.json.Json;

/** Small helpers shared by the daemon's handlers. */
final class Http {
    private Http() {}

    /** Answers 405 to anything but GET and HEAD; true when the request may go on. */
    static boolean getOnly(HttpExchange ex) throws IOException {
        String m = ex.getRequestMethod();
        if (m.equals("GET") || m.equals("HEAD")) return true;
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        json(ex, 405, ApiJson.error("method " + m + " is not allowed: this API only reads (GET)"));
        return false;
    }

    static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType.startsWith("image/") ? contentType : contentType + "; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
