package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The workload driver itself: a reply that comes too late is never taken for a later command's. */
class WorkloadTest {
    @Test
    void aLateReplyIsNeverTheAnswerToTheNextCommand() throws Exception {
        try (Workload w = Workload.start()) {
            w.replyTimeout(Duration.ofMillis(200));
            IllegalStateException late = assertThrows(IllegalStateException.class, () -> w.send("sleep_ms 1000"));
            assertTrue(late.getMessage().contains("no reply to 'sleep_ms 1000' within 200 ms"), late.getMessage());
            Thread.sleep(1500); // its "ok" has come by now
            w.replyTimeout(Duration.ofSeconds(10));
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> w.send("pid"));
            assertTrue(refused.getMessage().contains("'pid' not sent"), refused.getMessage());
            assertTrue(w.alive(), "still running: close() ends it");
        }
    }

    @Test
    void repliesMatchTheirCommands() {
        try (Workload w = Workload.start()) {
            assertTrue(w.send("pid").startsWith(w.pid() + " "));
            assertEquals("", w.send("sleep_ms 1"));
        }
    }
}
