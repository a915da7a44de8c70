package restracker.tracker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import restracker.bpf.BpfMap;
import restracker.kernel.PinnedState;

/**
 * The tracker's pinned maps, one component per map of tracker.bpf.c, named as the map there in
 * camelCase (policyExe is policy_exe): the list of maps the tracker pins and opens. The state opens
 * and checks each against the object when it is opened (a component the object does not define is
 * refused then, naming it); {@link #of} gives them.
 *
 * @param groups the tracked tgids: the hooks' first lookup
 * @param entities rt_entity by pid or tid (EntityRecord)
 * @param quotas rt_quota by entity (QuotaRecord)
 * @param events the kill logs' rings of rt_event (EventRecord)
 * @param logs the kill logs' heads, rt_log, mmap-able (LogRecord, {@link Logs})
 * @param state the counters shared with the BPF side, rt_state, mmap-able (StateRecord)
 * @param objects rt_object by the address of a tracked process's mm or fd table (ObjectRecord)
 * @param policies rt_policy by id (PolicyRecord)
 * @param policyExe rt_policy_set by rt_exe_key (PolicySetRecord, ExeKeyRecord)
 * @param policyCgroup rt_policy_set by cgroup id
 * @param policyUid rt_policy_set by uid
 * @param policyState rt_policy_state, mmap-able (PolicyStateRecord)
 */
public record TrackerMaps(BpfMap groups, BpfMap entities, BpfMap quotas, BpfMap events, BpfMap logs, BpfMap state,
        BpfMap objects, BpfMap policies, BpfMap policyExe, BpfMap policyCgroup, BpfMap policyUid, BpfMap policyState) {

    /** The maps of the tracker's state, opened with it. */
    public static TrackerMaps of(PinnedState state) {
        return state.maps(TrackerMaps.class);
    }

    /** A u32 key (a pid, a tid or a slot) for the tracker's maps. */
    static MemorySegment key(Arena arena, int id) {
        return arena.allocateFrom(ValueLayout.JAVA_INT, id);
    }
}
