package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import restracker.kernel.PinnedState;
import restracker.testing.Cli;
import restracker.testing.Cli.Result;
import restracker.testing.TestKernel;

/**
 * `run` caps the program and every process it starts, each counted from its own fork; with
 * --no-children the program alone. Each child here opens seven descriptors with the shell's own
 * redirections (no helper process of its own), then says it survived; its parent reports its status.
 */
@Timeout(180)
class RunChildrenTest {
    /** A child that opens 7 files (fds 3..9, the most a POSIX shell's redirections name), forked and exec'd as a new shell. */
    private static final String SEVEN_FILES = "exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null 7</dev/null"
            + " 8</dev/null 9</dev/null; echo survived";
    private static Path pinDir;

    @BeforeAll
    static void requireKernel() {
        TestKernel.requireBpf();
        pinDir = TestKernel.pinDir(RunChildrenTest.class);
        PinnedState.unload(pinDir);
    }

    @AfterAll
    static void unload() {
        PinnedState.unload(pinDir);
    }

    @Test
    void aChildOpeningSevenFilesIsKilledAtItsFourth() throws Exception {
        Result r = Cli.run(pinDir, "", "run", "--files", "3", "--", "sh", "-c",
                "sh -c '" + SEVEN_FILES + "'; echo child status $?");
        assertEquals(0, r.status(), r.err());
        assertEquals("child status 137\n", r.out(), "the child died at its fourth descriptor: " + r.err());
        Result events = Cli.run(pinDir, "", "events");
        assertTrue(events.out().contains("killed: files quota 3 exceeded (4)"), events.out());
    }

    @Test
    void aGrandchildIsCappedToo() throws Exception {
        Result r = Cli.run(pinDir, "", "run", "--files", "3", "--", "sh", "-c",
                "sh -c \"sh -c '" + SEVEN_FILES + "'; echo grandchild status \\$?\"; echo child status $?");
        assertEquals(0, r.status(), r.err());
        assertEquals("grandchild status 137\nchild status 0\n", r.out(), r.err());
    }

    @Test
    void noChildrenCapsTheProgramAlone() throws Exception {
        Result r = Cli.run(pinDir, "", "run", "--no-children", "--files", "3", "--", "sh", "-c",
                "sh -c '" + SEVEN_FILES + "'; echo child status $?");
        assertEquals(0, r.status(), r.err());
        assertEquals("survived\nchild status 0\n", r.out(), r.err());
    }
}
