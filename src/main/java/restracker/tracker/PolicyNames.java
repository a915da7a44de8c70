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
     * Makes pid's entity an explicit one if a policy holds it: the policy's fields are cleared, so
     * that what root sets now binds, and exec no longer matches it anew. e is the entity as the
     * caller read it under the lock: one no policy held then is left as it is (the kernel side may
     * match it at any later instant, this read or the next); one held is read into e again and
     * written back whole (a figure the kernel side recounted meanwhile is recounted again at the
     * process's next call). False when no policy held it.
     */
    static boolean takeOver(TrackerMaps maps, Arena arena, int pid, MemorySegment e) {
        if (!held(e)) return false;
        MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, pid);
        if (!maps.entities().lookup(key, e) || !held(e)) return false;
        EntityRecord.setPolicy(e, 0);
        EntityRecord.setPolicyFlags(e, 0);
        EntityRecord.setHeapPolicy(e, 0);
        EntityRecord.setFilesPolicy(e, 0);
        EntityRecord.setHeapWarn(e, 0);
        EntityRecord.setFilesWarn(e, 0);
        maps.entities().update(key, e, restracker.bpf.BpfMap.EXIST);
        return true;
    }

    private static boolean held(MemorySegment e) {
        return EntityRecord.policy(e) != 0 || EntityRecord.heapPolicy(e) != 0 || EntityRecord.filesPolicy(e) != 0;
    }
}
