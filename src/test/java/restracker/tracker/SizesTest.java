package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {
    @Test
    void unitsAreBinaryAndABareNumberIsMiB() {
        assertEquals(40L << 20, Sizes.parseBytes("40"));
        assertEquals(4096, Sizes.parseBytes("4096B"));
        assertEquals(512L << 10, Sizes.parseBytes("512K"));
        assertEquals(40L << 20, Sizes.parseBytes("40M"));
        assertEquals(2L << 30, Sizes.parseBytes("2G"));
        assertEquals(2L << 30, Sizes.parseBytes("2gib"));
        assertEquals(1L << 40, Sizes.parseBytes("1T"));
        assertEquals(0, Sizes.parseBytes("0"));
        assertEquals(-1, Sizes.parseBytes("-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "M", "-2", "-1M", "1.5G", "12Q", "0x10", "99999999999T", "9223372036854775808", " 4 M"})
    void garbageIsRefusedWithTheReason(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parseBytes(text));
        assertTrue(e.getMessage().startsWith("invalid size"), e.getMessage());
    }

    @Test
    void counts() {
        assertEquals(0, Sizes.parseCount("0"));
        assertEquals(-1, Sizes.parseCount("-1"));
        assertEquals(3, Sizes.parseCount("3"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parseCount("-2"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parseCount("3K"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parseCount("99999999999999999999"));
    }

    @Test
    void formatUsesTheLargestExactUnit() {
        assertEquals("20 MiB", Sizes.format(20L << 20));
        assertEquals("132 KiB", Sizes.format(132L << 10));
        assertEquals("4095 B", Sizes.format(4095));
        assertEquals("2 GiB", Sizes.format(2L << 30));
        assertEquals("0 MiB", Sizes.format(0));
        assertEquals("unlimited", Sizes.format(-1));
    }
}
