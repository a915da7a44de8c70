package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The tests' way of running other programs: both outputs drained at once, and every wait bounded
 * (a child past its deadline is killed and the failure shows what it printed).
 */
class ChildTest {
    private static ProcessBuilder sh(String script) {
        return new ProcessBuilder("sh", "-c", script);
    }

    @Test
    void aChildFillingStderrWhileStdoutIsReadIsNotBlocked() {
        // 1 MiB to stderr before a word to stdout: far beyond a pipe's 64 KiB.
        Child.Output o = Child.run(sh("head -c 1048576 /dev/zero | tr '\\0' e >&2; echo done"), "a chatty shell",
                Duration.ofSeconds(30));
        assertEquals(0, o.status());
        assertEquals("done\n", o.out());
        assertEquals(1 << 20, o.err().length());
    }

    @Test
    void stdinIsFedAndTheStatusKept() {
        Child.Output o = Child.run(sh("tr a-z A-Z; exit 3"), "tr", "restracker\n", Duration.ofSeconds(30));
        assertEquals(3, o.status());
        assertEquals("RESTRACKER\n", o.out());
    }

    @Test
    void aChildPastItsDeadlineIsKilledAndTheFailureShowsWhatItPrinted() {
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
                () -> Child.run(sh("echo started; echo complaining >&2; exec sleep 600"), "a stuck shell", Duration.ofSeconds(1)));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "failed soon after the deadline");
        assertTrue(e.getMessage().contains("a stuck shell did not finish within PT1S (killed)"), e.getMessage());
        assertTrue(e.getMessage().contains("started") && e.getMessage().contains("complaining"), e.getMessage());
    }

    @Test
    void aLineThatDoesNotComeInTimeFailsAndKillsTheChild() {
        Child c = Child.start(sh("echo first; exec sleep 600"), "a quiet shell");
        try (c) {
            assertEquals("first", c.nextLine(Duration.ofSeconds(30)));
            AssertionError e = assertThrows(AssertionError.class, () -> c.nextLine(Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains("a quiet shell printed no line within PT0.3S"), e.getMessage());
            assertFalse(c.process().isAlive(), "killed");
        }
    }

    @Test
    void aChildThatEndsBeforeItsLineFails() {
        try (Child c = Child.start(sh("echo only"), "a short shell")) {
            assertEquals("only", c.nextLine(Duration.ofSeconds(30)));
            AssertionError e = assertThrows(AssertionError.class, () -> c.nextLine(Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("ended before its next line"), e.getMessage());
        }
    }
}
