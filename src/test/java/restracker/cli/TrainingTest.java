package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training run's arguments are command lines separated by "+", each kept word for word. */
class TrainingTest {
    private static List<List<String>> lines(String... args) {
        return Training.lines(args).stream().map(Arrays::asList).toList();
    }

    @Test
    void splitsAtEachPlus() {
        assertEquals(List.of(List.of("fetch", "12"), List.of("fetch", "--json", "12"), List.of("--help")),
                lines("fetch", "12", "+", "fetch", "--json", "12", "+", "--help"));
    }

    @Test
    void oneLineWithoutPlus() {
        assertEquals(List.of(List.of("status")), lines("status"));
    }
}
