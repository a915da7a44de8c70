package restracker.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP as a hostile client speaks it: whatever bytes the test gives, over a plain socket, and the
 * status line of the answer. A test fails rather than hangs: reads time out after 30 s.
 */
final class RawHttp {
    static final int TIMEOUT_MS = 30_000;

    /** The answer's status, or CLOSED when the server closed the connection without one. */
    static final int CLOSED = -1;

    private RawHttp() {}

    static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(TIMEOUT_MS);
        return s;
    }

    /** Sends request and returns the status code of the first line of the answer. */
    static int exchange(int port, byte[] request) throws IOException {
        try (Socket s = connect(port)) {
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
            } catch (IOException e) {
                // the server may close early on garbage; what it answered before is still readable
            }
            return status(s.getInputStream());
        }
    }

    /** Reads the status line ("HTTP/1.1 404 Not Found"); CLOSED at end of stream or reset. */
    static int status(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) != -1 && b != '\n'; ) line.write(b);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + TIMEOUT_MS + " ms (a hang)", e);
        } catch (IOException e) {
            if (line.size() == 0) return CLOSED; // reset by the server
        }
        String first = line.toString(StandardCharsets.ISO_8859_1).strip();
        if (first.isEmpty()) return CLOSED;
        String[] parts = first.split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new AssertionError("not an HTTP answer: " + first);
        return Integer.parseInt(parts[1]);
    }
}
