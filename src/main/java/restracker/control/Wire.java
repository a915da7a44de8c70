package restracker.control;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import restracker.bpf.Errno;
import restracker.bpf.NativeException;
import restracker.bpf.UnixSocket;

/**
 * The control socket's frames. A request is "RTC1", a 32-bit length and that many bytes: the named
 * pid in decimal, then each argument, every field ended by NUL (arguments cannot hold NUL). A reply
 * is "RTC1", the exit status, and the lengths and bytes of stdout and stderr. Sizes are bounded,
 * so a garbage or hostile frame costs a bounded read and an EINVAL answer.
 */
final class Wire {
    static final int MAX_REQUEST = 64 * 1024;
    static final int MAX_REPLY = 16 * 1024 * 1024;
    private static final byte[] MAGIC = "RTC1".getBytes(StandardCharsets.US_ASCII);

    private Wire() {}

    static byte[] encode(Request r) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        field(payload, Integer.toString(r.pid()));
        for (String a : r.argv()) field(payload, a);
        if (payload.size() > MAX_REQUEST) {
            throw new NativeException(Errno.E2BIG.number(), "the command line is too long for the control socket ("
                    + payload.size() + " bytes; at most " + MAX_REQUEST + ")");
        }
        return ByteBuffer.allocate(8 + payload.size()).put(MAGIC).putInt(payload.size()).put(payload.toByteArray()).array();
    }

    static Request decodeRequest(byte[] payload) {
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] != 0) continue;
            fields.add(new String(payload, start, i - start, StandardCharsets.UTF_8));
            start = i + 1;
        }
        if (start != payload.length || fields.isEmpty()) throw malformed("a field is not NUL-terminated");
        int pid;
        try {
            pid = Integer.parseInt(fields.get(0));
        } catch (NumberFormatException e) {
            throw malformed("the pid field is not a number");
        }
        return new Request(pid, fields.subList(1, fields.size()));
    }

    static byte[] encode(Reply r) {
        byte[] out = r.out().getBytes(StandardCharsets.UTF_8), err = r.err().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + out.length + err.length).put(MAGIC).putInt(r.status())
                .putInt(out.length).put(out).putInt(err.length).put(err).array();
    }

    /** Reads one request's payload; the descriptor passed with it (or -1) goes to fdOut[0]. */
    static byte[] readRequest(UnixSocket s, int[] fdOut) {
        Reader in = new Reader(s, fdOut);
        in.magic();
        int length = in.readInt();
        if (length < 0 || length > MAX_REQUEST) {
            throw new NativeException(Errno.E2BIG.number(), "the request is " + Integer.toUnsignedString(length)
                    + " bytes long; the control socket takes at most " + MAX_REQUEST);
        }
        return in.read(length);
    }

    static Reply readReply(UnixSocket s) {
        Reader in = new Reader(s, new int[] {-1});
        in.magic();
        int status = in.readInt();
        String out = in.string();
        String err = in.string();
        return new Reply(status, out, err);
    }

    static NativeException malformed(String why) {
        return new NativeException(Errno.EINVAL.number(), "malformed control request: " + why);
    }

    private static void field(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    /** Exact reads over a stream socket, keeping the first descriptor passed (and closing any more). */
    private static final class Reader {
        private final UnixSocket socket;
        private final int[] fd;
        private final byte[] chunk = new byte[8192];
        private byte[] pending = new byte[0];

        Reader(UnixSocket socket, int[] fd) {
            this.socket = socket;
            this.fd = fd;
        }

        void magic() {
            if (!Arrays.equals(read(MAGIC.length), MAGIC)) throw malformed("it does not start with RTC1");
        }

        int readInt() {
            return ByteBuffer.wrap(read(4)).getInt();
        }

        String string() {
            int length = readInt();
            if (length < 0 || length > MAX_REPLY) throw malformed("a reply field of " + length + " bytes");
            return new String(read(length), StandardCharsets.UTF_8);
        }

        byte[] read(int n) {
            ByteArrayOutputStream got = new ByteArrayOutputStream(Math.min(n, 1 << 16));
            int fromPending = Math.min(n, pending.length);
            got.write(pending, 0, fromPending);
            pending = Arrays.copyOfRange(pending, fromPending, pending.length);
            while (got.size() < n) {
                UnixSocket.Received r = socket.receive(chunk);
                if (r.fd() >= 0) {
                    if (fd[0] < 0) fd[0] = r.fd();
                    else restracker.bpf.Libc.close(r.fd());
                }
                if (r.count() == 0) throw malformed("the stream ended after " + got.size() + " of " + n + " bytes");
                int take = Math.min(r.count(), n - got.size());
                got.write(chunk, 0, take);
                pending = Arrays.copyOfRange(chunk, take, r.count());
            }
            return got.toByteArray();
        }
    }
}
