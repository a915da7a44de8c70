package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A body written at once, many pieces long and not a whole number of them, arrives whole and in
 * order through the filter, over a real socket; so do a write at an offset and single bytes.
 */
class PieceWritesTest {
    @Test
    void aBodyWrittenAtOnceArrivesWhole() throws Exception {
        byte[] body = new byte[PieceWrites.PIECE * 20 + 12345];
        new Random(7).nextBytes(body);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpContext c = server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, body.length + 3);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body[0]);
                out.write(body, 1, body.length - 1);
                out.write(new byte[] {9, 1, 2, 3, 9}, 1, 3);
            }
        });
        c.getFilters().add(new PieceWrites());
        server.start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            byte[] expected = new byte[body.length + 3];
            System.arraycopy(body, 0, expected, 0, body.length);
            expected[body.length] = 1;
            expected[body.length + 1] = 2;
            expected[body.length + 2] = 3;
            assertArrayEquals(expected, r.body());
        } finally {
            server.stop(0);
        }
    }
}
