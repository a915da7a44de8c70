package restracker.sys;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the control socket's check-then-act guard relies on: a pidfd tells a live task from a reaped one. */
class PidfdsTest {
    @Test
    void aPidfdIsAliveUntilItsTaskIsReaped() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        int pidfd = Libc.pidfdOpen((int) sleep.pid());
        assertTrue(pidfd >= 0, "a pidfd: " + pidfd);
        try {
            assertTrue(Pidfds.alive(pidfd));
            sleep.destroyForcibly();
            assertTrue(sleep.waitFor(30, TimeUnit.SECONDS)); // the JVM reaps it: its pid may be anyone's now
            assertFalse(Pidfds.alive(pidfd));
        } finally {
            Libc.close(pidfd);
            sleep.destroyForcibly();
        }
    }

    @Test
    void anythingButAPidfdIsNotAlive() {
        int dir = Libc.openDirectory("/");
        try {
            assertFalse(Pidfds.alive(dir));
        } finally {
            Libc.close(dir);
        }
        assertFalse(Pidfds.alive(-1));
    }
}
