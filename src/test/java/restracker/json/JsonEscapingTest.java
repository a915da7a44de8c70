package restracker.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A process name is untrusted: in JSON every control character is an escape, and the output stays JSON. */
class JsonEscapingTest {
    @Test
    void controlCharactersAreEscapesInsideStrings() {
        Map<String, Object> m = Json.object();
        m.put("comm", "\033[2J\033]0;PWN\007\u007f\u009b\u2028\"\\\n");
        assertEquals("{\"comm\":\"\\u001b[2J\\u001b]0;PWN\\u0007\\u007f\\u009b\\u2028\\\"\\\\\\n\"}", Json.write(m));
    }
}
