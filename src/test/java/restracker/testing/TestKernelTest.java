package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which values of CI make the BPF tests fail instead of skipping. */
class TestKernelTest {
    @Test
    void anyValueButFalseOrZeroMeansCi() {
        for (String ci : new String[] {"true", "TRUE", "True", "1", "yes", "github", "woodpecker"}) {
            assertTrue(TestKernel.onCi(ci), "CI=" + ci);
        }
    }

    @Test
    void unsetEmptyFalseOrZeroIsNotCi() {
        for (String ci : new String[] {null, "", " ", "false", "FALSE", "False", "0"}) {
            assertFalse(TestKernel.onCi(ci), "CI=" + ci);
        }
    }
}
