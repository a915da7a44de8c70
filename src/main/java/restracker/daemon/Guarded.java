package restracker.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/**
 * Wraps a handler so that a request target {@link java.net.URI} cannot parse (the server lets
 * {@code %zz} or a bare {@code "} through) is answered 400, and a failure 500 with one line on
 * stderr, instead of a dropped connection.
 */
record Guarded(HttpHandler inner) implements HttpHandler {
    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            ex.getRequestURI();
        } catch (IllegalArgumentException e) {
            try (ex) {
                Http.json(ex, 400, ApiJson.error("malformed request target: " + e.getMessage()));
            }
            return;
        }
        try {
            inner.handle(ex);
        } catch (IOException e) {
            throw e; // the client went away: nothing to answer
        } catch (RuntimeException | LinkageError e) { // LinkageError: e.g. the jar was replaced under us
            System.err.println("restracker daemon: " + ex.getRequestMethod() + " " + ex.getRequestURI() + " failed: " + e);
            try {
                Http.json(ex, 500, ApiJson.error(e.toString()));
            } catch (IOException | RuntimeException ignored) {
                // the response was already under way
            } finally {
                ex.close();
            }
        }
    }
}
