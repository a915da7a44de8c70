package restracker.daemon;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;

/**
 * Bounds the connections the HTTP server holds: at most {@code perClient} for one client and
 * {@code total} in all; a connection beyond either is closed as it opens. A client is the user who
 * owns the other end when it is on this machine (so that one local user cannot crowd out another,
 * whatever loopback addresses they use), otherwise the remote address.
 */
final class ClientShares implements Connection.Listener {
    private final int perClient;
    private final int total;
    private final Map<Connection, String> admitted = new HashMap<>();
    private final Map<String, Integer> held = new HashMap<>();

    ClientShares(int perClient, int total) {
        this.perClient = perClient;
        this.total = total;
    }

    @Override
    public void onOpened(Connection connection) {
        EndPoint end = connection.getEndPoint();
        String client = clientOf(end.getRemoteSocketAddress(), end.getLocalSocketAddress());
        synchronized (this) {
            int mine = held.getOrDefault(client, 0);
            if (mine < perClient && admitted.size() < total) {
                admitted.put(connection, client);
                held.put(client, mine + 1);
                return;
            }
        }
        end.close();
    }

    @Override
    public synchronized void onClosed(Connection connection) {
        String client = admitted.remove(connection);
        if (client != null) held.computeIfPresent(client, (k, n) -> n == 1 ? null : n - 1);
    }

    static String clientOf(SocketAddress remote, SocketAddress local) {
        if (!(remote instanceof InetSocketAddress r)) return "unknown";
        OptionalInt uid = local instanceof InetSocketAddress l ? SocketOwners.uidOf(r, l) : OptionalInt.empty();
        return uid.isPresent() ? "uid " + uid.getAsInt() : "address " + r.getAddress().getHostAddress();
    }
}
