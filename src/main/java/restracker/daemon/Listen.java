package restracker.daemon;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where the daemon listens: {@code HOST:PORT}, {@code [IPV6]:PORT} or {@code :PORT} (all
 * interfaces, said explicitly). The default is loopback only: {@value #DEFAULT}.
 */
public record Listen(String host, int port) {
    public static final String DEFAULT = "127.0.0.1:9464";

    public Listen {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
    }

    /** Parses HOST:PORT; throws IllegalArgumentException with a sentence saying what is wrong. */
    public static Listen parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("invalid listen address '" + text + "': expected HOST:PORT");
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.contains(":")) {
            throw new IllegalArgumentException("invalid listen address '" + text + "': write an IPv6 address in brackets, [::1]:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid listen address '" + text + "': the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid listen address '" + text + "': port " + port + " is not between 0 and 65535");
        }
        return new Listen(host, port);
    }

    /** All interfaces (":PORT") or a resolved address. */
    public InetSocketAddress socketAddress() {
        if (host.isEmpty()) return new InetSocketAddress(port);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot listen on '" + host + "': no such host");
        }
    }

    /** True when only this machine can connect. */
    public boolean loopbackOnly() {
        return !host.isEmpty() && socketAddress().getAddress().isLoopbackAddress();
    }
}
