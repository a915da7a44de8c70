package restracker.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class UntrustedTest {
    @Test
    void controlCharactersAreEscapedAndTheRestKept() {
        assertEquals("\\u001b[2J\\u001b]0;PWN\\u0007", Untrusted.escape("\033[2J\033]0;PWN\007"));
        assertEquals("a\\nb\\rc\\td", Untrusted.escape("a\nb\rc\td"));
        assertEquals("\\u007f\\u009b\\u2028\\u202e\\u2066", Untrusted.escape("\u007f\u009b\u2028\u202e\u2066"));
        assertEquals("", Untrusted.escape(null));
        String plain = "workload-ünïcode (1) [x]";
        assertSame(plain, Untrusted.escape(plain), "nothing to escape: the same string");
    }
}
