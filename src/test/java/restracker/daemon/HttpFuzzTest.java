package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * The daemon's HTTP side under hostile clients, over real sockets on loopback, with a real tracked
 * process behind it: random methods, paths, query strings, headers and bodies get an answer below
 * 500 (or a closed connection for bytes that are not HTTP at all; 501 for a transfer coding the
 * server does not implement, as HTTP prescribes), never a hang, and change nothing
 * in the kernel; a 100 MB body is refused without being read; a client sending its headers a byte
 * at a time holds up nobody else; idle connections are bounded.
 */
class HttpFuzzTest {
    private static ResourceTracker tracker;
    private static Workload tracked;
    private static Daemon daemon;
    private static int port;

    @BeforeContainer
    static void start() {
        tracker = TestKernel.tracker(HttpFuzzTest.class);
        tracked = Workload.start();
        tracker.register(tracked.pid());
        tracker.cap(tracked.pid(), new Quota(1L << 30, 100), false);
        daemon = Daemon.start(TestKernel.pinDir(HttpFuzzTest.class), new Listen("127.0.0.1", 0));
        port = daemon.address().getPort();
    }

    @AfterContainer
    static void stop() {
        if (daemon != null) daemon.close();
        if (tracked != null) tracked.close();
        TestKernel.unload(HttpFuzzTest.class, tracker);
    }

    /** Who is tracked with which quotas, and the kill log: what no request may change. */
    private static String state() {
        return tracker.list().stream().map(e -> e.pid() + "/" + e.quota()).collect(Collectors.joining(","))
                + " kills " + tracker.events().total();
    }

    @Property(tries = 300)
    void anyRequestIsAnsweredBelow500AndChangesNothing(@ForAll("requests") String request) throws IOException {
        String before = state();
        int status = RawHttp.exchange(port, request.getBytes(StandardCharsets.UTF_8));
        Statistics.collect(status == RawHttp.CLOSED ? "closed" : Integer.toString(status));
        // 501 is HTTP's own answer to a transfer coding the server does not know (RFC 9112 §6.1)
        // (the server implements chunked alone, once: "gzip, chunked" and "chunked" twice get 501),
        // and 505 to a version other than 1.0 and 1.1 on a plain connection (RFC 9110 §15.6.6)
        boolean unknownCoding = request.contains("Transfer-Encoding: gzip")
                || request.split("Transfer-Encoding:", -1).length > 2;
        String requestLine = request.substring(0, request.indexOf("\r\n"));
        boolean otherVersion = !requestLine.endsWith(" HTTP/1.1") && !requestLine.endsWith(" HTTP/1.0");
        assertTrue(status < 500 || status == 501 && unknownCoding || status == 505 && otherVersion,
                "answered " + status + " to:\n" + request);
        assertEquals(before, state(), "nothing changed by:\n" + request);
        assertTrue(tracked.alive());
    }

    @Provide
    Arbitrary<String> requests() {
        Arbitrary<String> method = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.of("GET", "HEAD")),
                Tuple.of(4, Arbitraries.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "get", "G\tET")),
                Tuple.of(1, Arbitraries.strings().alpha().ofMaxLength(12)));
        Arbitrary<String> path = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of("/", "/api/processes", "/api/processes/" + tracked.pid(), "/api/processes/abc",
                        "/api/processes/-1", "/api/processes/99999999999", "/api/events", "/api/history", "/api/tracer",
                        "/metrics", "/dashboard.js", "/api/", "/api", "//api//processes", "/api/processes/%00",
                        "/../../etc/passwd", "/api/%2e%2e/%2e%2e/etc/shadow", "/api/processes/" + tracked.pid() + "/",
                        "*", "http://127.0.0.1/api/events", "/metrics?name[]=restracker_heap_bytes")),
                Tuple.of(2, Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40).map(s -> "/" + s)),
                Tuple.of(1, Arbitraries.strings().ofMinLength(1).ofMaxLength(20)
                        .filter(s -> s.chars().noneMatch(c -> c == '\n' || c == '\r' || c == ' ')).map(s -> "/" + s)),
                Tuple.of(1, Arbitraries.of(4096, 70_000).map(n -> "/" + "a".repeat(n))));
        Arbitrary<String> query = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(30).map(s -> "?" + s),
                Arbitraries.of("?pid=1", "?format=json&pid=-1", "?%zz", "?a=" + "b".repeat(5000)));
        Arbitrary<String> version = Arbitraries.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/9.9", "", "http/1.1");
        Arbitrary<String> headers = Arbitraries.of("Host: localhost", "Host: 127.0.0.1:1", "Host: attacker.example",
                "Host:", "", "Content-Length: 5", "Content-Length: -1", "Content-Length: abc",
                "Content-Length: 99999999999999999999", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked",
                "Content-Type: application/json", "Expect: 100-continue", "Connection: keep-alive", "X: " + "y".repeat(9000),
                "no colon here", ": empty name", "Accept: application/openmetrics-text; version=1.0.0",
                "Accept-Encoding: gzip").list().ofMaxSize(4).map(l -> String.join("\r\n", l));
        Arbitrary<String> body = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.of("{\"pid\":1}", "{\"pid\":", "[[[[[[[[[[", "{\"quota\":-1e309}", "\u0000\u0000", "zz\r\n0\r\n\r\n",
                        "5\r\nhello\r\n0\r\n\r\n", "ffffffffffffffff\r\n"),
                Arbitraries.strings().ofMaxLength(200));
        return Combinators.combine(method, path, query, version, headers, body).as((m, p, q, v, h, b) ->
                m + " " + p + q + (v.isEmpty() ? "" : " " + v) + "\r\n" + (h.isEmpty() ? "" : h + "\r\n")
                        + "Connection: close\r\n\r\n" + b)
                // a stream request that is valid would stay open by design: not a hang
                .filter(r -> !r.matches("(?s)(GET|HEAD) /api/stream[/?]?[^ ]* HTTP/1\\.[01]\r\n.*"));
    }

    /** 100 MB announced and sent: the answer comes after at most a small drain, not 100 MB later. */
    @Example
    void aHugeBodyIsRefusedWithoutReadingItAll() throws Exception {
        long size = 100L << 20;
        try (Socket s = RawHttp.connect(port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/processes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[1 << 16];
                try {
                    while (sent.get() < size) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // the server closed the connection: what we expect
                }
            });
            int status = RawHttp.status(s.getInputStream());
            writer.get(RawHttp.TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertTrue(status == 405 || status == 413 || status == RawHttp.CLOSED, "answered " + status);
            assertTrue(sent.get() < size, "the server stopped reading: the client could send " + sent.get() + " bytes");
        }
        assertEquals(200, RawHttp.exchange(port, get("/api/processes")), "and serves the next client");
    }

    /** A slowloris client, its headers a byte per second, while others are served. */
    @Example
    void aSlowClientHoldsUpNobodyElse() throws Exception {
        byte[] request = get("/api/processes");
        try (Socket slow = RawHttp.connect(port)) {
            OutputStream out = slow.getOutputStream();
            for (int i = 0; i < 5; i++) {
                out.write(request[i]);
                out.flush();
                // meanwhile whole requests from other clients are answered
                assertEquals(200, RawHttp.exchange(port, get("/api/processes/" + tracked.pid())));
                Thread.sleep(1000);
            }
            out.write(request, 5, request.length - 5);
            assertEquals(200, RawHttp.status(slow.getInputStream()), "the slow client is served in the end too");
        }
    }

    /**
     * Far more idle connections from one client (root, here) than the daemon keeps for one client:
     * those beyond its share are closed, and once they go, that client is served again. Counted on
     * the server's side in /proc/net/tcp.
     */
    @Example
    void idleConnectionsAreBounded() throws Exception {
        int opened = Daemon.MAX_CONNECTIONS_PER_CLIENT * 8;
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < opened; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    idle.add(s);
                } catch (IOException e) {
                    s.close(); // the accept queue was full: refused is bounded too
                }
            }
            assertTrue(idle.size() > Daemon.MAX_CONNECTIONS_PER_CLIENT, "opened " + idle.size());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long held = serverSideConnections();
            while (held > Daemon.MAX_CONNECTIONS_PER_CLIENT && System.nanoTime() < deadline) {
                Thread.sleep(100);
                held = serverSideConnections();
            }
            assertTrue(held <= Daemon.MAX_CONNECTIONS_PER_CLIENT, held + " connections held open of " + idle.size()
                    + " idle ones; a client's share is " + Daemon.MAX_CONNECTIONS_PER_CLIENT);
        } finally {
            for (Socket s : idle) s.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int status;
        do {
            status = RawHttp.exchange(port, get("/api/processes"));
        } while (status != 200 && System.nanoTime() < deadline);
        assertEquals(200, status, "served again once the idle connections went");
    }

    /** Sockets in ESTABLISHED state whose local port is the daemon's: the server's ends (Java's are IPv6). */
    private static long serverSideConnections() throws IOException {
        String portHex = String.format(":%04X", port);
        long n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            n += Files.readAllLines(Path.of(table)).stream().skip(1).map(l -> l.trim().split("\\s+"))
                    .filter(f -> f[1].endsWith(portHex) && f[3].equals("01")).count();
        }
        return n;
    }

    private static byte[] get(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
