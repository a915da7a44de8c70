package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import restracker.testing.Cli;

/**
 * RESTRACKER_PIN_DIR set but empty, or relative, is a usage error (2) wherever it is read: never
 * silently the default pin directory, never one that depends on the working directory.
 */
class PinDirVariableTest {
    @Test
    void anEmptyPinDirectoryIsAUsageError() throws Exception {
        for (String[] args : new String[][] {{"status"}, {"unload"}, {"fetch", "1"}, {"doctor"}}) {
            Cli.Result r = Cli.run(Path.of(""), "", args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertEquals("restracker: RESTRACKER_PIN_DIR is set but empty: unset it for the default pin directory"
                    + " /sys/fs/bpf/restracker, or set it to an absolute path\n", r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void aRelativePinDirectoryIsAUsageError() throws Exception {
        Cli.Result r = Cli.run(Path.of("pins/here"), "", "status");
        assertEquals(2, r.status(), r.err());
        assertEquals("restracker: RESTRACKER_PIN_DIR=pins/here is not an absolute path: set it to one such as"
                + " /sys/fs/bpf/restracker\n", r.err());
        assertEquals("", r.out());
        assertTrue(Files.notExists(Path.of("pins")), "nothing created in the working directory");
    }
}
