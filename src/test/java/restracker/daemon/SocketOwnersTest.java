package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Addresses as the kernel prints them in /proc/net/tcp and tcp6 (x86-64: little-endian words). */
class SocketOwnersTest {
    @Test
    void readsIpv4() {
        assertEquals(new InetSocketAddress("127.0.0.1", 8080), SocketOwners.address("0100007F:1F90"));
        assertEquals(new InetSocketAddress("10.1.2.3", 443), SocketOwners.address("0302010A:01BB"));
    }

    @Test
    void readsIpv6AndMappedIpv4() {
        assertEquals(new InetSocketAddress("::1", 9464), SocketOwners.address("00000000000000000000000001000000:24F8"));
        assertEquals(new InetSocketAddress("127.0.0.1", 9464), SocketOwners.address("0000000000000000FFFF00000100007F:24F8"));
        assertEquals(new InetSocketAddress("fe80::1", 22), SocketOwners.address("000080FE000000000000000001000000:0016"));
    }
}
