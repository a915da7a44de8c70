package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.tracker.ResourceTracker;

/**
 * One local user holding as many connections to the daemon's loopback port as they can open does
 * not stop another user's scrape or event stream: connections and streams are bounded per client
 * (on this machine, the user the kernel says owns the other end), and the user keeps only their
 * own share.
 */
class ConnectionShareTest {
    @Loaded
    private static ResourceTracker tracker;
    private static Daemon daemon;
    private static int port;

    @BeforeAll
    static void start() {
        daemon = Daemon.start(TestKernel.pinDir(ConnectionShareTest.class), new Listen("127.0.0.1", 0));
        port = daemon.address().getPort();
    }

    @AfterAll
    static void stop() {
        if (daemon != null) daemon.close();
    }

    @Test
    void aUserHoldingIdleConnectionsLeavesOthersServed() throws Exception {
        try (TestUser user = TestUser.create(); Attacker attacker = new Attacker(user, 400, "idle")) {
            assertTrue(attacker.opened > Daemon.MAX_CONNECTIONS, "the attacker opened " + attacker.opened + " connections");

            assertEquals(200, RawHttp.exchange(port, get("/metrics")), "root's scrape is served");
            assertEquals(200, RawHttp.exchange(port, get("/api/processes")), "and so is the API");

            int open = attacker.stillOpen();
            assertTrue(open <= Daemon.MAX_CONNECTIONS_PER_CLIENT, "the attacker holds " + open + " of " + attacker.opened
                    + " connections; a client's share is " + Daemon.MAX_CONNECTIONS_PER_CLIENT);
        }
    }

    @Test
    void aUserHoldingEventStreamsLeavesOthersAStream() throws Exception {
        try (TestUser user = TestUser.create(); Attacker attacker = new Attacker(user, EventStream.MAX_CLIENTS, "stream")) {
            assertTrue(attacker.opened <= EventStream.MAX_PER_CLIENT, "the attacker got " + attacker.opened + " streams");
            try (Socket s = RawHttp.connect(port)) {
                s.getOutputStream().write(("GET /api/stream HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, RawHttp.status(s.getInputStream()), "root's event stream is served");
            }
        }
    }

    /** {@link IdleConnections} run as a test user, with a deadline on every line it is asked for. */
    private static final class Attacker implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final PrintStream in;
        final int opened;

        Attacker(TestUser user, int connections, String mode) throws Exception {
            process = user.start(Map.of(), List.of(), IdleConnections.class.getName(), "127.0.0.1", Integer.toString(port),
                    Integer.toString(connections), mode);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            opened = number("opened ");
        }

        int stillOpen() throws Exception {
            in.println("count");
            return number("open ");
        }

        private int number(String prefix) throws Exception {
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            if (line == null) throw new AssertionError("the attacker's program ended early");
            assertTrue(line.startsWith(prefix), "expected '" + prefix + "N', got: " + line);
            return Integer.parseInt(line.substring(prefix.length()).strip());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static byte[] get(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
