package restracker.testing;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import restracker.sys.NativeException;
import restracker.sys.UnixSocket;

/**
 * A hostile client of the control socket, run as a test's user: `RawFrames SOCKET REPEAT SECONDS
 * HEX...` opens REPEAT connections for each frame (given in hex) and sends it on each, all before
 * reading anything; prints "sent N"; then reads each connection's reply for at most SECONDS and
 * prints one line per connection: "reply BASE64", "closed" or "timeout", in the order sent.
 */
public final class RawFrames {
    private RawFrames() {}

    public static void main(String[] args) {
        var socket = java.nio.file.Path.of(args[0]);
        int repeat = Integer.parseInt(args[1]);
        Duration wait = Duration.ofSeconds(Long.parseLong(args[2]));
        List<UnixSocket> open = new ArrayList<>();
        try {
            for (int i = 3; i < args.length; i++) {
                byte[] frame = HexFormat.of().parseHex(args[i]);
                for (int r = 0; r < repeat; r++) {
                    UnixSocket s = UnixSocket.connect(socket);
                    open.add(s);
                    s.send(frame, -1);
                }
            }
            System.out.println("sent " + open.size());
            System.out.flush();
            long deadline = System.nanoTime() + wait.toNanos();
            for (UnixSocket s : open) System.out.println(reply(s, deadline));
        } finally {
            open.forEach(UnixSocket::close);
        }
    }

    /** An old-style (RTC1) frame: "RTC1", a length, then each field ended by NUL, in hex. */
    public static String rtc1(String... fields) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (String f : fields) {
            payload.writeBytes(f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            payload.write(0);
        }
        byte[] body = payload.toByteArray();
        return HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(8 + body.length)
                .put("RTC1".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(body.length).put(body).array());
    }

    /** The reply a line of this program's output holds: status and stderr text; null for "closed". */
    public record Reply(String magic, int status, String out, String err, String raw) {
        public static Reply of(String line) {
            if (line.equals("closed")) return null;
            if (!line.startsWith("reply ")) throw new AssertionError("no reply within the deadline: " + line);
            byte[] b = Base64.getDecoder().decode(line.substring(6));
            String raw = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
            var buf = java.nio.ByteBuffer.wrap(b);
            if (b.length < 16) return new Reply("", -1, "", "", raw);
            String magic = new String(b, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
            buf.position(4);
            int status = buf.getInt();
            int outLength = buf.getInt();
            if (outLength < 0 || outLength > b.length - 16) return new Reply(magic, status, "", "", raw);
            String out = new String(b, 12, outLength, java.nio.charset.StandardCharsets.UTF_8);
            buf.position(12 + outLength);
            int errLength = buf.getInt();
            if (errLength < 0 || errLength > buf.remaining()) return new Reply(magic, status, out, "", raw);
            return new Reply(magic, status, out, new String(b, buf.position(), errLength, java.nio.charset.StandardCharsets.UTF_8), raw);
        }
    }

    private static String reply(UnixSocket s, long deadline) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        try {
            for (;;) {
                long left = Math.max(1_000_000, deadline - System.nanoTime());
                s.timeouts(Duration.ofNanos(left));
                UnixSocket.Received r = s.receive(buf);
                if (r.count() == 0) break;
                got.write(buf, 0, r.count());
            }
        } catch (NativeException e) {
            if (got.size() == 0) return e.rawErrno() == 11 ? "timeout" : "closed";
        }
        return got.size() == 0 ? "closed" : "reply " + Base64.getEncoder().encodeToString(got.toByteArray());
    }
}
