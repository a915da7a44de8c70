package restracker.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/**
 * Wraps a handler so that a failure is answered with 500 and one line on stderr, instead of the
 * JDK server's silent dropped connection.
 */
record Guarded(HttpHandler inner) implements HttpHandler {
    @Override
    public void handle(HttpExchange ex) throws IOException {
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
