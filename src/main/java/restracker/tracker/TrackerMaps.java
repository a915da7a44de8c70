package restracker.tracker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import restracker.bpf.BpfMap;
import restracker.kernel.PinnedState;
import restracker.sys.Libc;

/**
 * The tracker's pinned maps as its operations use them, and the memory of the two mmap-able
 * ones, each mapped on first use: `state` (counters shared atomically with the BPF side) and
 * `logs` (the kill logs' heads).
 */
final class TrackerMaps {
    private final PinnedState state;
    private MemorySegment sharedState;
    private Logs logs;

    TrackerMaps(PinnedState state) {
        this.state = state;
    }

    PinnedState state() {
        return state;
    }

    BpfMap map(String name) {
        return state.map(name);
    }

    /** The `state` map's memory (rt_state, see StateRecord). */
    MemorySegment sharedState() {
        if (sharedState == null) sharedState = state.map("state").mapShared(Libc.pageSize());
        return sharedState;
    }

    Logs logs() {
        if (logs == null) logs = new Logs(state.map("logs").mapShared(Logs.mappedSize()));
        return logs;
    }

    /** Unmaps what was mapped (the maps themselves stay pinned); a mapping would keep an unloaded map alive. */
    void unmap() {
        if (sharedState != null) Libc.unmap(sharedState);
        if (logs != null) Libc.unmap(logs.mapped());
        sharedState = null;
        logs = null;
    }

    /** A u32 key (a pid, a tid or a slot) for the tracker's maps. */
    static MemorySegment key(Arena arena, int id) {
        return arena.allocateFrom(ValueLayout.JAVA_INT, id);
    }
}
