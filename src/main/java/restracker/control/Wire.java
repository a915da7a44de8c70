package restracker.control;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import restracker.sys.Errno;
import restracker.sys.NativeException;
import restracker.sys.UnixSocket;
import restracker.tracker.Quota;

/**
 * The control socket's frames, version 2, all integers big-endian. A request is exactly
 * {@value #REQUEST_SIZE} bytes, then the end of the client's stream (it shuts its side down):
 *
 * <pre>
 *  0  "RTC2"        magic and version
 *  4  int32  op     {@link Operation#code()}
 *  8  int32  flags  {@link Request#JSON} | {@link Request#REPLACE} | {@link Request#FROM_EXEC}
 *                   | {@link Request#WITH_CHILDREN}
 * 12  int32  pid    the task named, in the caller's pid namespace (0 when the operation names none)
 * 16  int64  heap   heap quota in bytes, -1 unlimited (cap only; -1 otherwise)
 * 24  int64  files  file quota, -1 unlimited (cap only; -1 otherwise)
 * </pre>
 *
 * Anything else (another magic, RTC1's command lines included, an unknown operation or flag, a
 * field out of range, fewer or more bytes) is EINVAL with one sentence. A reply is "RTC2", the
 * exit status, and the lengths and bytes of stdout and stderr.
 */
final class Wire {
    static final int REQUEST_SIZE = 32;
    static final int MAX_REPLY = 16 * 1024 * 1024;
    private static final byte[] MAGIC = "RTC2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OLD_MAGIC = "RTC1".getBytes(StandardCharsets.US_ASCII);

    private Wire() {}

    static byte[] encode(Request r) {
        return ByteBuffer.allocate(REQUEST_SIZE).put(MAGIC).putInt(r.operation().code()).putInt(r.flags()).putInt(r.pid())
                .putLong(r.quota().heapBytes()).putLong(r.quota().files()).array();
    }

    static Request decodeRequest(byte[] frame) {
        if (frame.length != REQUEST_SIZE) throw Request.malformed("it is " + frame.length + " bytes, not " + REQUEST_SIZE);
        ByteBuffer b = ByteBuffer.wrap(frame, MAGIC.length, REQUEST_SIZE - MAGIC.length);
        int code = b.getInt(), flags = b.getInt(), pid = b.getInt();
        long heap = b.getLong(), files = b.getLong();
        Operation op = Operation.of(code).orElseThrow(() -> Request.malformed("unknown operation " + code));
        if (heap < Quota.UNLIMITED) throw Request.malformed("heap quota " + heap + " (at least 0, or -1 for unlimited)");
        if (files < Quota.UNLIMITED) throw Request.malformed("file quota " + files + " (at least 0, or -1 for unlimited)");
        return new Request(op, pid, new Quota(heap, files), flags);
    }

    static byte[] encode(Reply r) {
        byte[] out = r.out().getBytes(StandardCharsets.UTF_8), err = r.err().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + out.length + err.length).put(MAGIC).putInt(r.status())
                .putInt(out.length).put(out).putInt(err.length).put(err).array();
    }

    /**
     * Reads one request frame: its magic is checked as soon as it is in, then the bytes up to the
     * end of the stream, never more than one beyond {@value #REQUEST_SIZE}. The descriptor passed
     * with it (or -1) goes to fdOut[0].
     */
    static byte[] readRequest(UnixSocket s, int[] fdOut) {
        Reader in = new Reader(s, fdOut);
        byte[] magic = in.upTo(MAGIC.length);
        if (Arrays.equals(magic, OLD_MAGIC)) {
            throw Request.malformed("it is an RTC1 frame (a command line), which this daemon no longer takes:"
                    + " use a restracker CLI of the same version");
        }
        if (!Arrays.equals(magic, MAGIC)) throw Request.malformed("it does not start with RTC2");
        byte[] rest = in.upTo(REQUEST_SIZE - MAGIC.length + 1);
        if (rest.length > REQUEST_SIZE - MAGIC.length) {
            throw Request.malformed("it has bytes beyond the " + REQUEST_SIZE + " of a request");
        }
        if (rest.length < REQUEST_SIZE - MAGIC.length) {
            throw Request.malformed("the stream ended after " + (MAGIC.length + rest.length) + " of " + REQUEST_SIZE + " bytes");
        }
        return ByteBuffer.allocate(REQUEST_SIZE).put(magic).put(rest).array();
    }

    static Reply readReply(UnixSocket s) {
        Reader in = new Reader(s, new int[] {-1});
        if (!Arrays.equals(in.exactly(MAGIC.length), MAGIC)) throw Request.malformed("the reply does not start with RTC2");
        int status = in.readInt();
        String out = in.string();
        String err = in.string();
        return new Reply(status, out, err);
    }

    /** Reads over a stream socket, keeping the first descriptor passed (and closing any more). */
    private static final class Reader {
        private final UnixSocket socket;
        private final int[] fd;
        private final byte[] chunk = new byte[8192];
        private byte[] pending = new byte[0];
        private boolean ended;

        Reader(UnixSocket socket, int[] fd) {
            this.socket = socket;
            this.fd = fd;
        }

        int readInt() {
            return ByteBuffer.wrap(exactly(4)).getInt();
        }

        String string() {
            int length = readInt();
            if (length < 0 || length > MAX_REPLY) throw Request.malformed("a reply field of " + length + " bytes");
            return new String(exactly(length), StandardCharsets.UTF_8);
        }

        byte[] exactly(int n) {
            byte[] got = upTo(n);
            if (got.length < n) throw Request.malformed("the stream ended after " + got.length + " of " + n + " bytes");
            return got;
        }

        /** n bytes, or fewer when the stream ends first. */
        byte[] upTo(int n) {
            ByteArrayOutputStream got = new ByteArrayOutputStream(Math.min(n, 1 << 16));
            int fromPending = Math.min(n, pending.length);
            got.write(pending, 0, fromPending);
            pending = Arrays.copyOfRange(pending, fromPending, pending.length);
            while (got.size() < n && !ended) {
                UnixSocket.Received r = socket.receive(chunk);
                if (r.fd() >= 0) {
                    if (fd[0] < 0) fd[0] = r.fd();
                    else restracker.sys.Libc.close(r.fd());
                }
                if (r.count() == 0) {
                    ended = true;
                    break;
                }
                int take = Math.min(r.count(), n - got.size());
                got.write(chunk, 0, take);
                pending = Arrays.copyOfRange(chunk, take, r.count());
            }
            return got.toByteArray();
        }
    }
}
