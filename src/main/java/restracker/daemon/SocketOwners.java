package restracker.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Who owns the other end of a TCP connection made from this machine: the kernel's socket tables,
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6}, list every socket of this network namespace
 * with its addresses and the uid of the user who created it.
 */
final class SocketOwners {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    /** A closed socket waiting out its last packets: no longer its user's (the kernel shows uid 0). */
    private static final String TIME_WAIT = "06";

    private SocketOwners() {}

    /**
     * The uid of the socket whose own address is {@code client} and whose peer is {@code server};
     * empty when no socket of this machine's network namespace is that end (a remote client, or one
     * already gone).
     */
    static OptionalInt uidOf(InetSocketAddress client, InetSocketAddress server) {
        for (Path table : TABLES) {
            try (Stream<String> lines = Files.lines(table)) {
                OptionalInt uid = lines.skip(1).map(l -> l.trim().split("\\s+"))
                        .filter(f -> f.length > 7 && !f[3].equals(TIME_WAIT)
                                && client.equals(address(f[1])) && server.equals(address(f[2])))
                        .mapToInt(f -> Integer.parseInt(f[7])).findFirst();
                if (uid.isPresent()) return uid;
            } catch (NoSuchFileException e) {
                // no IPv6 in this kernel
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * "0100007F:1F90": the address as the kernel's 32-bit words in this machine's byte order, each
     * printed in hex, then the port; an IPv4-mapped IPv6 address comes back as the IPv4 one.
     */
    static InetSocketAddress address(String field) {
        int colon = field.indexOf(':');
        String hex = field.substring(0, colon);
        ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < hex.length(); i += 8) bytes.putInt(Integer.parseUnsignedInt(hex, i, i + 8, 16));
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes.array()), Integer.parseInt(field, colon + 1, field.length(), 16));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + field, e);
        }
    }
}
