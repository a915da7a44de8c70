package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import restracker.tracker.EventLog;
import restracker.tracker.KillEvent;
import restracker.tracker.Scope;

class KillTallyTest {
    private static KillEvent kill(long seq, KillEvent.Reason reason) {
        return new KillEvent(seq, Instant.EPOCH, 100, 100, 100, Scope.PROCESS, reason, "openat", 2, 1, "w");
    }

    private static EventLog log(long total, long overwritten, KillEvent... events) {
        return new EventLog(List.of(events), overwritten, total);
    }

    private static Map<KillTally.Reason, Long> counts(long heap, long files, long unknown) {
        return Map.of(KillTally.Reason.HEAP, heap, KillTally.Reason.FILES, files, KillTally.Reason.UNKNOWN, unknown);
    }

    @Test
    void countsEachNewEventOnceByItsQuota() {
        KillTally t = new KillTally();
        t.observe(log(0, 0));
        assertEquals(counts(0, 0, 0), t.counts());
        KillEvent a = kill(1, KillEvent.Reason.FILES), b = kill(2, KillEvent.Reason.HEAP);
        t.observe(log(1, 0, a));
        t.observe(log(2, 0, a, b));
        t.observe(log(2, 0, a, b));
        assertEquals(counts(1, 1, 0), t.counts());
    }

    @Test
    void eventsOverwrittenBeforeTheyWereReadAreUnknownSoTheSumIsTheKernelsTotal() {
        KillTally t = new KillTally();
        List<KillEvent> ring = new ArrayList<>();
        for (long seq = 4; seq <= 6; seq++) ring.add(kill(seq, KillEvent.Reason.HEAP));
        t.observe(new EventLog(ring, 3, 6)); // seq 1..3 are gone
        assertEquals(counts(3, 0, 3), t.counts());
    }

    @Test
    void aReloadedKernelStateStartsTheCountsOver() {
        KillTally t = new KillTally();
        t.observe(log(2, 0, kill(1, KillEvent.Reason.FILES), kill(2, KillEvent.Reason.FILES)));
        t.observe(log(1, 0, kill(1, KillEvent.Reason.HEAP)));
        assertEquals(counts(1, 0, 0), t.counts());
    }

    /** A quota dropped at a privileged exec is in the log but is not a kill. */
    @Test
    void aDroppedQuotaIsNotAKill() {
        KillTally t = new KillTally();
        KillEvent drop = kill(1, KillEvent.Reason.PRIVILEGES), k = kill(2, KillEvent.Reason.FILES);
        t.observe(new EventLog(List.of(drop, k), 0, 2, 1));
        assertEquals(counts(0, 1, 0), t.counts());
    }
}
