package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ListenTest {
    @Test
    void parsesHostPortForms() {
        assertEquals(new Listen("127.0.0.1", 9464), Listen.parse(Listen.DEFAULT));
        assertEquals(new Listen("::1", 80), Listen.parse("[::1]:80"));
        assertEquals(new Listen("", 9464), Listen.parse(":9464"));
        assertEquals(new Listen("localhost", 0), Listen.parse("localhost:0"));
    }

    @Test
    void rejectsMalformedAddressesWithASentence() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Listen.parse("9464")).getMessage().contains("HOST:PORT"));
        assertThrows(IllegalArgumentException.class, () -> Listen.parse("127.0.0.1:http"));
        assertThrows(IllegalArgumentException.class, () -> Listen.parse("127.0.0.1:65536"));
        assertThrows(IllegalArgumentException.class, () -> Listen.parse("::1:80"));
    }

    @Test
    void loopbackIsTheDefaultAndAllInterfacesIsNot() {
        assertTrue(Listen.parse(Listen.DEFAULT).loopbackOnly());
        assertTrue(Listen.parse("[::1]:9464").loopbackOnly());
        assertFalse(Listen.parse(":9464").loopbackOnly());
        assertFalse(Listen.parse("0.0.0.0:9464").loopbackOnly());
    }
}
