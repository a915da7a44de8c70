package restracker.tracker;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import restracker.kernel.EntityRecord;
import restracker.kernel.Records;
import restracker.kernel.TrackerStructs;
import restracker.proc.ProcFs;

/**
 * Every tracked entity's figures at once, at the cost of a few system calls per thousand entries:
 * the entities and quotas maps are read in batches (see {@link restracker.bpf.BpfMap#forEach}),
 * and /proc is read only for entities of processes it lists, once per entity (a process's
 * /proc/PID/status once for all its thread entities). An entity of a process that is gone, or a
 * placeholder under an id no task has, costs no /proc read. The figures are those of
 * {@link ResourceTracker#fetch} for each entity: both compute them in {@link #stats}.
 */
final class EntityListing {
    /** Where an entity record holds its process (read for each of up to 65,536 records: not by name each time). */
    private static final long TGID = TrackerStructs.RT_ENTITY.offset("tgid");

    private EntityListing() {}

    /** How a task's stat is read: task tid of process tgid (see {@link ProcFs#stat(int, int)}). */
    @FunctionalInterface
    interface TaskStat {
        Optional<ProcFs.Stat> of(int tgid, int tid);
    }

    /** Every tracked entity of a live task, by pid. */
    static List<EntityStats> read(TrackerMaps maps) {
        // Listed first: a process started after this reading of /proc is in the next listing.
        Set<Integer> processes = ProcFs.processIds();
        List<EntityStats> all = new ArrayList<>();
        Map<Integer, MemorySegment> entities = new HashMap<>();
        long size = TrackerStructs.RT_ENTITY.size();
        int words = Math.toIntExact((size + Long.BYTES - 1) / Long.BYTES);
        maps.entities().forEach(Integer.BYTES, size, (k, v) -> {
            if (!processes.contains(v.get(ValueLayout.JAVA_INT, TGID))) return; // gone, or a placeholder
            // On the Java heap (a long[]: aligned for every field), not one native allocation
            // per record: up to 65,536 a listing, which the C heap keeps once freed.
            entities.put(k.get(ValueLayout.JAVA_INT, 0), MemorySegment.ofArray(new long[words]).copyFrom(v));
        });
        Map<Integer, QuotaLayers> quotas = new HashMap<>();
        if (!entities.isEmpty()) {
            maps.quotas().forEach(Integer.BYTES, TrackerStructs.RT_QUOTA.size(), (k, v) -> {
                int pid = k.get(ValueLayout.JAVA_INT, 0);
                if (entities.containsKey(pid)) quotas.put(pid, QuotaLayers.read(v));
            });
        }
        Map<Integer, Optional<ProcFs.Task>> statusOf = new HashMap<>();
        Map<Integer, Optional<String>> policyNames = new HashMap<>();
        entities.forEach((pid, e) -> stats(pid, e, ProcFs::stat, () -> Optional.ofNullable(quotas.get(pid)),
                tgid -> statusOf.computeIfAbsent(tgid, ProcFs::task),
                id -> policyNames.computeIfAbsent(id, i -> PolicyNames.of(maps, i))).ifPresent(all::add));
        all.sort(Comparator.comparingInt(EntityStats::pid));
        return all;
    }

    /**
     * An entity's figures from its record e. A process entity's absolute figures are the kernel
     * side's own (baseline + change: it recounts them at every call that can change them, as /proc
     * would show them), so it costs only the task's stat (/proc/TGID/task/PID/stat: see
     * {@link ProcFs#stat(int, int)}), to tell the same live task and its name. A thread entity has no
     * baseline: its process's figures come from /proc (statusOf, by tgid), its open descriptors
     * from its own fd table. statOf reads the stat (a fetch through the file its register kept open).
     * Empty when the task exited, or the entry is a stale one of an earlier task with that pid.
     */
    static Optional<EntityStats> stats(int pid, MemorySegment e, TaskStat statOf, Supplier<Optional<QuotaLayers>> layers,
            IntFunction<Optional<ProcFs.Task>> statusOf, IntFunction<Optional<String>> policyName) {
        int tgid = EntityRecord.tgid(e);
        Optional<ProcFs.Stat> stat = statOf.of(tgid, pid);
        if (stat.isEmpty() || stat.get().startTicks() != EntityRecord.startTicks(e)) {
            return Optional.empty(); // exited this instant, or a stale entry the kernel drops on sight
        }
        Quota quota = layers.get().map(QuotaLayers::effective).orElse(Quota.NONE);
        long heap = EntityRecord.heap(e), files = EntityRecord.files(e);
        boolean process = EntityRecord.scope(e) == Records.SCOPE_PROCESS;
        Optional<ProcFs.Task> status = process ? Optional.empty() : statusOf.apply(tgid);
        long vmData = process ? EntityRecord.vmData(e) : status.map(ProcFs.Task::vmDataBytes).orElse(0L);
        long vmStack = process ? EntityRecord.vmStack(e) : status.map(ProcFs.Task::vmStackBytes).orElse(0L);
        long openFds = process ? EntityRecord.baseFiles(e) + files : Math.max(0, ProcFs.openFds(pid));
        return Optional.of(new EntityStats(pid, tgid, Scope.of(EntityRecord.scope(e)), stat.get().comm(),
                Math.max(0, heap), Math.max(0, files), quota, vmData, openFds, vmStack, policyName.apply(EntityRecord.policy(e))));
    }
}
