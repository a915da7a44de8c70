package restracker.tracker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import restracker.kernel.EntityRecord;
import restracker.kernel.PolicyRecord;
import restracker.kernel.PolicyStateRecord;

/**
 * What the tracker needs of the policies: a policy's name by id, the notices logged, and the
 * take-over of a process from its policy by an explicit cap or reset.
 */
final class PolicyNames {
    private PolicyNames() {}

    /** The name of policy id ("#ID" when it was removed since); empty for 0, no policy. */
    static Optional<String> of(TrackerMaps maps, int id) {
        if (id == 0) return Optional.empty();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = PolicyRecord.allocate(arena);
            if (!maps.policies().lookup(arena.allocateFrom(ValueLayout.JAVA_INT, id), v)) return Optional.of("#" + id);
            return Optional.of(PolicyRecord.name(v));
        }
    }

    /** Audit and warning events ever logged (they are in the logs' totals, and are no kills). */
    static long notices(TrackerMaps maps) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = PolicyStateRecord.allocate(arena);
            if (!maps.policyState().lookup(arena.allocate(ValueLayout.JAVA_INT), v)) return 0;
            return PolicyStateRecord.notices(v);
        }
    }

    /**
     * Makes pid's entity (read into e) an explicit one if a policy holds it: the policy's fields are
     * cleared, so that what root sets now binds, and exec no longer matches it anew. The entry is
     * written back whole; a figure the kernel side recounted meanwhile is recounted again at the
     * process's next call. False when no policy held it.
     */
    static boolean takeOver(TrackerMaps maps, Arena arena, int pid, MemorySegment e) {
        MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, pid);
        if (!maps.entities().lookup(key, e)) return false;
        if (EntityRecord.policy(e) == 0 && EntityRecord.heapPolicy(e) == 0 && EntityRecord.filesPolicy(e) == 0) return false;
        EntityRecord.setPolicy(e, 0);
        EntityRecord.setPolicyFlags(e, 0);
        EntityRecord.setHeapPolicy(e, 0);
        EntityRecord.setFilesPolicy(e, 0);
        EntityRecord.setHeapWarn(e, 0);
        EntityRecord.setFilesWarn(e, 0);
        maps.entities().update(key, e, restracker.bpf.BpfMap.EXIST);
        return true;
    }
}
