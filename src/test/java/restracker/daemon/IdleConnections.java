package restracker.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An attacker's program, run as a test user: {@code IdleConnections HOST PORT N [stream]} opens N
 * TCP connections to the daemon and sends nothing on them (or, with {@code stream}, a request for
 * the event stream on each, and reads its status line). It prints {@code opened K} (those the
 * kernel accepted; with {@code stream}, those answered 200), then for each line read from stdin
 * {@code open K} (those the server has not closed yet), and exits at end of input or after 120
 * seconds, closing them all.
 */
public final class IdleConnections {
    private IdleConnections() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int wanted = Integer.parseInt(args[2]);
        boolean stream = args.length > 3 && args[3].equals("stream");
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < wanted; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(host, port), 2000);
                if (stream && !streaming(s)) s.close();
                else held.add(s);
            } catch (IOException e) {
                s.close(); // the accept queue is full
            }
        }
        System.out.println("opened " + held.size());
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                return;
            }
            System.exit(3);
        });
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        while (in.readLine() != null) System.out.println("open " + stillOpen(held));
        watchdog.interrupt();
        for (Socket s : held) s.close();
    }

    /** Asks for the event stream; true when it is answered 200 (its headers are then read). */
    private static boolean streaming(Socket s) throws IOException {
        s.getOutputStream().write("GET /api/stream HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(10_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String status = in.readLine();
        if (status == null || !status.startsWith("HTTP/1.1 200")) return false;
        for (String l; (l = in.readLine()) != null && !l.isEmpty(); ) {
            // headers
        }
        return true;
    }

    /** Connections on which a read neither sees end of stream nor a reset within 50 ms. */
    private static int stillOpen(List<Socket> held) throws IOException {
        int open = 0;
        for (Socket s : held) {
            if (s.isClosed()) continue;
            s.setSoTimeout(50);
            try {
                if (s.getInputStream().read() == -1) s.close();
                else open++; // the server sent something unasked: still open
            } catch (SocketTimeoutException e) {
                open++;
            } catch (IOException e) {
                s.close(); // reset
            }
        }
        return open;
    }
}
