package restracker.tracker;

import java.lang.foreign.MemorySegment;
import restracker.sys.Libc;

/**
 * The memory of the tracker's two mmap-able maps, each mapped on first use: `state` (counters
 * shared atomically with the BPF side) and `logs` (the kill logs' heads).
 */
final class TrackerMemory {
    private final TrackerMaps maps;
    private MemorySegment sharedState;
    private Logs logs;
    private MemorySegment policyState;

    TrackerMemory(TrackerMaps maps) {
        this.maps = maps;
    }

    /** The `state` map's memory (rt_state, see StateRecord). */
    MemorySegment sharedState() {
        if (sharedState == null) sharedState = maps.state().mapShared(Libc.pageSize());
        return sharedState;
    }

    /** The `policy_state` map's memory (rt_policy_state, see PolicyStateRecord). */
    MemorySegment policyState() {
        if (policyState == null) policyState = maps.policyState().mapShared(Libc.pageSize());
        return policyState;
    }

    Logs logs() {
        if (logs == null) logs = new Logs(maps.logs().mapShared(Logs.mappedSize()));
        return logs;
    }

    /** Unmaps what was mapped (the maps themselves stay pinned); a mapping would keep an unloaded map alive. */
    void unmap() {
        if (sharedState != null) Libc.unmap(sharedState);
        if (logs != null) Libc.unmap(logs.mapped());
        if (policyState != null) Libc.unmap(policyState);
        sharedState = null;
        logs = null;
        policyState = null;
    }
}
