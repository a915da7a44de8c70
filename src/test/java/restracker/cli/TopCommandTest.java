package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import restracker.tracker.EntityStats;
import restracker.tracker.EventLog;
import restracker.tracker.KillEvent;
import restracker.tracker.Quota;
import restracker.tracker.Scope;

class TopCommandTest {
    private static EntityStats entity(int pid, long heap, long files, Quota q) {
        return new EntityStats(pid, pid, Scope.PROCESS, "w" + pid, heap, files, q, heap + 4096, files + 3);
    }

    @Test
    void nearestToAQuotaComesFirstWithItsShare() {
        String screen = TopCommand.render(List.of(
                entity(10, 1 << 20, 0, Quota.NONE),
                entity(20, 30L << 20, 1, new Quota(40L << 20, 10)),
                entity(30, 0, 9, new Quota(Quota.UNLIMITED, 10))), new EventLog(List.of(), 0, 0));
        String[] lines = screen.split("\n");
        assertEquals("tracked: 3   quota kills: 0", lines[0]);
        assertTrue(lines[2].startsWith("     PID SCOPE"), screen);
        assertTrue(lines[3].contains(" 30 ") && lines[3].trim().endsWith("90%"), screen);
        assertTrue(lines[4].contains(" 20 ") && lines[4].contains("75%") && lines[4].contains("10%"), screen);
        assertTrue(lines[5].trim().startsWith("10 "), screen);
    }

    @Test
    void recentKillsNewestFirst() {
        KillEvent a = new KillEvent(1, Instant.EPOCH, 40, 40, 40, Scope.PROCESS, KillEvent.Reason.FILES, "openat", 2, 1, "old");
        KillEvent b = new KillEvent(2, Instant.EPOCH, 41, 41, 41, Scope.PROCESS, KillEvent.Reason.HEAP, "mmap", 3 << 20, 1 << 20, "new");
        String screen = TopCommand.render(List.of(), new EventLog(List.of(a, b), 7, 9));
        assertTrue(screen.startsWith("tracked: 0   quota kills: 9 (7 overwritten in the log)"), screen);
        assertTrue(screen.indexOf("pid 41 (new) heap quota") < screen.indexOf("pid 40 (old) files quota"), screen);
    }
}
