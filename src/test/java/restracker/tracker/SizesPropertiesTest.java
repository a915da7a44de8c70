package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * Sizes and counts as operators type them, generated: every input either parses to exactly the
 * value its digits and unit say (checked with BigInteger, so an overflow cannot hide) or is refused
 * with an IllegalArgumentException that names the input. Never a wrong value, never another error.
 */
class SizesPropertiesTest {
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("", 1L << 20), Map.entry("B", 1L), Map.entry("K", 1L << 10), Map.entry("KB", 1L << 10),
            Map.entry("KIB", 1L << 10), Map.entry("M", 1L << 20), Map.entry("MB", 1L << 20), Map.entry("MIB", 1L << 20),
            Map.entry("G", 1L << 30), Map.entry("GB", 1L << 30), Map.entry("GIB", 1L << 30), Map.entry("T", 1L << 40),
            Map.entry("TB", 1L << 40), Map.entry("TIB", 1L << 40));

    /** What a size should mean, computed independently of Sizes: null when it must be refused. */
    private static BigInteger expected(String text) {
        String s = text.strip();
        if (s.equals("-1")) return BigInteger.ONE.negate();
        int end = 0;
        while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') end++;
        if (end == 0) return null;
        Long unit = UNITS.get(s.substring(end).toUpperCase(Locale.ROOT));
        if (unit == null) return null;
        return new BigInteger(s.substring(0, end)).multiply(BigInteger.valueOf(unit));
    }

    @Property(tries = 2000)
    void aSizeIsExactOrRefused(@ForAll("sizes") String text) {
        BigInteger want = expected(text);
        if (want == null || want.bitLength() > 63) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parseBytes(text),
                    "'" + text + "' is refused");
            assertTrue(e.getMessage().startsWith("invalid size '" + text + "'"), e.getMessage());
        } else {
            assertEquals(want.longValueExact(), Sizes.parseBytes(text), "'" + text + "'");
        }
    }

    /** Digits, units (some in odd case, some unknown), signs, spaces, dots and arbitrary characters. */
    @Provide
    Arbitrary<String> sizes() {
        Arbitrary<String> digits = Arbitraries.oneOf(
                Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf),
                Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(25),
                Arbitraries.of("0", "1", "-1", "-2", "8796093022208", "9223372036854775807", "9223372036854775808",
                        "8388608", "8388607", "17592186044416"));
        Arbitrary<String> units = Arbitraries.oneOf(
                Arbitraries.of("", "B", "K", "k", "KiB", "kib", "M", "MB", "MiB", "G", "g", "GiB", "T", "TiB", "tb"),
                Arbitraries.of("Q", "P", "PiB", "E", "Kb ", " M", "M M", ".5G", "e3", "x", "-", "+", "\u0000", "٣",
                        "ı", "K\u200bB"),
                Arbitraries.strings().ofMaxLength(4));
        Arbitrary<String> sign = Arbitraries.of("", "", "", "-", "+", " ", "\t", "0x");
        Arbitrary<String> composed = Combinators.combine(sign, digits, units).as((a, b, c) -> a + b + c);
        return Arbitraries.oneOf(composed, Arbitraries.strings().ofMaxLength(30), Arbitraries.strings().ascii().ofMaxLength(12));
    }

    /** Every whole number of bytes survives format and parse (format's space dropped: "20 MiB" → "20MiB"). */
    @Property(tries = 2000)
    void formatThenParseGivesTheSameBytes(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bytes) {
        String shown = Sizes.format(bytes);
        assertEquals(bytes, Sizes.parseBytes(shown.replace(" ", "")), shown);
    }

    /** Units multiply exactly, up to the largest value that fits and no further. */
    @Property(tries = 1000)
    void unitsMultiplyExactlyAndOverflowIsRefused(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long n,
            @ForAll("unitNames") String unit) {
        BigInteger want = BigInteger.valueOf(n).multiply(BigInteger.valueOf(UNITS.get(unit.toUpperCase(Locale.ROOT))));
        if (want.bitLength() > 63) {
            assertThrows(IllegalArgumentException.class, () -> Sizes.parseBytes(n + unit));
        } else {
            assertEquals(want.longValueExact(), Sizes.parseBytes(n + unit));
        }
    }

    @Provide
    Arbitrary<String> unitNames() {
        return Arbitraries.of(UNITS.keySet().toArray(String[]::new)).map(u -> u.length() > 1 ? u.charAt(0)
                + u.substring(1).toLowerCase(Locale.ROOT) : u);
    }

    /** A count is a decimal number of at least -1; anything else is refused, naming the input. */
    @Property(tries = 2000)
    void aCountIsExactOrRefused(@ForAll("counts") String text) {
        String s = text.strip();
        BigInteger want = s.matches("-?[0-9]+") ? new BigInteger(s) : null;
        if (want == null || want.compareTo(BigInteger.ONE.negate()) < 0 || want.bitLength() > 63) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parseCount(text),
                    "'" + text + "' is refused");
            assertTrue(e.getMessage().startsWith("invalid file count '" + text + "'"), e.getMessage());
        } else {
            assertEquals(want.longValueExact(), Sizes.parseCount(text), "'" + text + "'");
        }
    }

    @Provide
    Arbitrary<String> counts() {
        return Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().numeric().ofMaxLength(22).map(d -> "-" + d),
                Arbitraries.strings().withChars("0123456789-+ Kx.٣").ofMaxLength(8),
                Arbitraries.strings().ofMaxLength(10));
    }
}
