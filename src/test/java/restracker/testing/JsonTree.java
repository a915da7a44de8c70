package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.StreamSupport;

/**
 * The JSON restracker writes, read by a parser that is not restracker's (Jackson), so that tests
 * check values and shapes rather than substrings of a key order.
 */
public final class JsonTree {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private JsonTree() {}

    /** One JSON document (nothing after it); fails the test, quoting the text, if it is not one. */
    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return fail("not one JSON document (" + e.getOriginalMessage() + "): " + text);
        }
    }

    /** The element of the array whose "pid" is pid; fails if there is none or more than one. */
    public static JsonNode withPid(JsonNode array, long pid) {
        assertTrue(array.isArray(), "an array: " + array);
        var found = StreamSupport.stream(array.spliterator(), false).filter(e -> e.path("pid").asLong(-1) == pid).toList();
        assertTrue(found.size() == 1, "one element with pid " + pid + " in " + array);
        return found.getFirst();
    }

    /** Whether the array has an element whose "pid" is pid. */
    public static boolean hasPid(JsonNode array, long pid) {
        return StreamSupport.stream(array.spliterator(), false).anyMatch(e -> e.path("pid").asLong(-1) == pid);
    }
}
