package restracker.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import restracker.testing.JsonTree;

/** A test's HTTP client for a daemon at base (http://host:port). */
final class Client {
    record Response(int status, String body, String contentType) {}

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Client(String base) {
        this.base = base;
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /**
     * Waits (at most 20 s) until the daemon's shared reading of the kernel state began after this
     * call: from then on its answers show every change made before the call (a reading is shared
     * for up to a second).
     */
    void awaitReadingAfterNow() {
        Instant since = Instant.now();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get("/api/processes").body();
            if (Instant.parse(JsonTree.parse(last).get("time").asText()).isAfter(since)) return;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no reading of the kernel state began after " + since + " within 20 s: " + last);
    }

    Response post(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private Response send(HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An open /api/stream: its lines, read on a thread of its own. */
    static final class Stream implements AutoCloseable {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final InputStream body;

        Stream(InputStream body) {
            this.body = body;
            Thread t = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) lines.add(line);
                } catch (IOException e) {
                    // closed
                }
            }, "test-stream");
            t.setDaemon(true);
            t.start();
        }

        /** Waits (at most 20 s) for a line containing all of parts; returns it, or fails. */
        String await(String... parts) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            StringBuilder seen = new StringBuilder();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line == null) continue;
                seen.append(line).append('\n');
                boolean all = true;
                for (String p : parts) all &= line.contains(p);
                if (all) return line;
            }
            throw new AssertionError("no stream line with " + String.join(", ", parts) + " in 20 s; got:\n" + seen);
        }

        /**
         * Waits (at most 20 s) for an event of that name whose data, parsed as JSON, is wanted;
         * returns the data, or fails.
         */
        JsonNode awaitEvent(String event, Predicate<JsonNode> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            StringBuilder seen = new StringBuilder();
            String current = null;
            while (System.nanoTime() < deadline) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line == null) continue;
                seen.append(line).append('\n');
                if (line.startsWith("event: ")) current = line.substring("event: ".length());
                if (line.startsWith("data: ") && event.equals(current)) {
                    JsonNode data = JsonTree.parse(line.substring("data: ".length()));
                    if (wanted.test(data)) return data;
                }
                if (line.isEmpty()) current = null;
            }
            throw new AssertionError("no wanted " + event + " event in 20 s; got:\n" + seen);
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    Stream stream() {
        try {
            // The timeout bounds the wait for the answer's head; the body then streams for as long as it is read.
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/stream"))
                    .timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) throw new AssertionError("/api/stream answered " + r.statusCode());
            return new Stream(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
