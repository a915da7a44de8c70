package restracker.daemon;

import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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

    /**
     * 200 with the JSON object {@code head} plus a last member {@code key}, the list of
     * {@code view} of each of {@code items}: the bytes {@link #json} would send for that object,
     * but written to the socket element by element as they are made (a chunked response), not
     * built whole first (megabytes at a full table).
     */
    static <T> void jsonList(HttpExchange ex, Map<String, Object> head, String key, List<T> items, Function<? super T, ?> view)
            throws IOException {
        headers(ex, "application/json");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            return;
        }
        String open = Json.write(head);
        StringBuilder prefix = new StringBuilder(open.substring(0, open.length() - 1));
        if (!head.isEmpty()) prefix.append(',');
        prefix.append(Json.write(key)).append(":[");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = new BufferedOutputStream(ex.getResponseBody(), PieceWrites.PIECE)) {
            out.write(prefix.toString().getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) out.write(',');
                out.write(Json.write(view.apply(items.get(i))).getBytes(StandardCharsets.UTF_8));
            }
            out.write("]}\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void headers(HttpExchange ex, String contentType) {
        ex.getResponseHeaders().set("Content-Type", contentType.startsWith("image/") ? contentType : contentType + "; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    }

    static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        headers(ex, contentType);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
