package restracker.daemon;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A response body handed over at once (the metrics of a full table: megabytes) goes to the socket
 * in pieces of at most {@link #PIECE} bytes. A write of a heap buffer to a socket is copied into a
 * direct buffer of its size first, which the JDK keeps for the next write of the thread that made
 * it: one piece's worth held, not the largest response's.
 */
final class PieceWrites extends Filter {
    static final int PIECE = 64 * 1024;

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        ex.setStreams(null, new Pieces(ex.getResponseBody()));
        chain.doFilter(ex);
    }

    @Override
    public String description() {
        return "writes a response body in pieces of at most 64 KiB";
    }

    private static final class Pieces extends FilterOutputStream {
        Pieces(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            for (int at = off, end = off + len; at < end; at += PIECE) out.write(b, at, Math.min(PIECE, end - at));
        }
    }
}
