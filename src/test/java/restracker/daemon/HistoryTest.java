package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import restracker.tracker.EntityStats;
import restracker.tracker.Quota;
import restracker.tracker.Scope;

class HistoryTest {
    private static EntityStats entity(int pid, long heap) {
        return new EntityStats(pid, pid, Scope.PROCESS, "w", heap, 1, Quota.NONE, heap, 4);
    }

    private static History history() {
        return new History(); // never samples by itself: add() is driven by the test
    }

    @Test
    void keepsTheLastSamplesOfEachEntityAndForgetsThoseGone() {
        History h = history();
        for (int i = 0; i < History.SAMPLES + 5; i++) h.add(List.of(entity(10, i), entity(20, 2 * i)), i * 1000L);
        var snap = h.snapshot();
        assertEquals(History.SAMPLES, snap.get(10).size());
        assertEquals(5, snap.get(10).getFirst().heapBytes(), "the oldest were dropped");
        assertEquals(new History.Sample((History.SAMPLES + 4) * 1000L, 2 * (History.SAMPLES + 4), 1), snap.get(20).getLast());
        h.add(List.of(entity(20, 1)), 999_000);
        assertEquals(List.of(20), List.copyOf(h.snapshot().keySet()));
    }

    @Test
    void boundedInEntities() {
        History h = history();
        List<EntityStats> many = new ArrayList<>();
        for (int pid = 1; pid <= History.MAX_ENTITIES + 10; pid++) many.add(entity(pid, 0));
        h.add(many, 0);
        assertEquals(History.MAX_ENTITIES, h.snapshot().size());
    }
}
