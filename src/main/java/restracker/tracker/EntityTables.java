package restracker.tracker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import restracker.bpf.BpfMap;
import restracker.kernel.EntityRecord;
import restracker.kernel.ObjectRecord;
import restracker.kernel.QuotaRecord;
import restracker.kernel.Records;
import restracker.kernel.StateRecord;
import restracker.proc.ProcFs;
import restracker.sys.Errno;
import restracker.sys.NativeException;
import static restracker.sys.Errno.ALREADY;
import static restracker.sys.Errno.EINVAL;
import static restracker.sys.Errno.ENOSPC;
import static restracker.sys.Errno.ESRCH;
import static restracker.tracker.TrackerMaps.key;

/**
 * The tracker's tables of entities, quotas, groups and objects as the operations share them:
 * looking an entity up (and what /proc says of its task), reading its figures, writing its quota
 * layers, and removing it with everything that refers to it.
 */
final class EntityTables {
    private final TrackerMaps maps;
    private final TrackerMemory memory;
    private final StatFiles statFiles;

    EntityTables(TrackerMaps maps, TrackerMemory memory, StatFiles statFiles) {
        this.maps = maps;
        this.memory = memory;
        this.statFiles = statFiles;
    }

    /**
     * An entity's figures. A process entity's absolute figures are the kernel side's own (baseline +
     * change: it recounts them at every call that can change them, as /proc would show them), so
     * fetching one reads only /proc/PID/stat, to tell the same live process and its name. A thread
     * entity has no baseline: its process's figures come from /proc.
     */
    Optional<EntityStats> stats(Arena arena, int pid) {
        MemorySegment e = EntityRecord.allocate(arena);
        if (!maps.entities().lookup(key(arena, pid), e)) return Optional.empty();
        return EntityListing.stats(pid, e, statFiles::stat, () -> layers(arena, pid), ProcFs::task, id -> PolicyNames.of(maps, id));
    }

    /** What /proc says of pid (stat and status: what register needs), or ESRCH when it is gone or a zombie. */
    static ProcFs.Task liveTask(int pid, String op) {
        return liveTask(ProcFs.task(pid), pid, op);
    }

    /** As {@link #liveTask(int, String)} from what was read of pid's task. */
    static ProcFs.Task liveTask(Optional<ProcFs.Task> task, int pid, String op) {
        return live(task, ProcFs.Task::isZombie, pid, op);
    }

    /** As {@link #liveTask} from what was read of pid's stat alone (cap, reset). */
    static ProcFs.Stat liveStat(Optional<ProcFs.Stat> stat, int pid, String op) {
        return live(stat, ProcFs.Stat::isZombie, pid, op);
    }

    private static <T> T live(Optional<T> task, java.util.function.Predicate<T> zombie, int pid, String op) {
        if (task.isEmpty()) throw new TrackerException(ESRCH, "cannot " + op + " pid " + pid + ": no such process");
        if (zombie.test(task.get())) {
            throw new TrackerException(ESRCH, "cannot " + op + " pid " + pid + ": it has exited (a zombie)");
        }
        return task.get();
    }

    MemorySegment trackedEntity(Arena arena, int pid, String op) {
        MemorySegment e = EntityRecord.allocate(arena);
        if (!maps.entities().lookup(key(arena, pid), e)) {
            throw new TrackerException(EINVAL, "cannot " + op + " pid " + pid + ": it is not tracked (register it first)");
        }
        return e;
    }

    /**
     * Removes the entry under pid if it belongs to an earlier process with that pid: one whose
     * exit the kernel side did not see (a tracepoint program can be skipped while a bpf() call
     * holds the CPU's BPF recursion guard). The kernel ignores such an entry; registering the pid
     * anew must not be refused because of it.
     */
    boolean dropIfStale(Arena arena, int pid) {
        MemorySegment e = EntityRecord.allocate(arena);
        if (!maps.entities().lookup(key(arena, pid), e)) return false;
        Optional<ProcFs.Stat> task = ProcFs.stat(pid);
        if (task.isPresent() && task.get().startTicks() == EntityRecord.startTicks(e)) return false;
        removeEntity(arena, pid, EntityRecord.tgid(e));
        return true;
    }

    /**
     * Deletes an entity and its quotas (the delete that succeeds, this one or the kernel's, gives
     * the entity back to its owner's share), and its group marker once no entity of the group is left.
     */
    void removeEntity(Arena arena, int pid, int tgid) {
        MemorySegment e = EntityRecord.allocate(arena);
        MemorySegment key = key(arena, pid);
        maps.quotas().delete(key);
        remove(arena, pid, tgid, maps.entities().lookup(key, e) ? e : null);
    }

    /**
     * As {@link #removeEntity(Arena, int, int)} for pid's entity e as the caller read it under the
     * lock (deregister): not read again. A figure or binding the kernel side changed since is no
     * different from one it changes after a second read; an entity it deleted since is not
     * deleted twice (only the delete that succeeds gives it back).
     */
    void removeEntity(Arena arena, int pid, MemorySegment e) {
        maps.quotas().delete(key(arena, pid));
        remove(arena, pid, EntityRecord.tgid(e), e);
    }

    /** The entity under pid (its record e; null: none), then its group marker if nothing else of tgid is tracked. */
    private void remove(Arena arena, int pid, int tgid, MemorySegment e) {
        MemorySegment key = key(arena, pid), group = key(arena, tgid);
        if (e != null) {
            unbind(arena, pid, EntityRecord.mmKey(e));
            unbind(arena, pid, EntityRecord.filesKey(e));
            if (maps.entities().delete(key)) {
                memory.logs().addEntities(EntityRecord.log(e), -1);
                if ((EntityRecord.flags(e) & Records.F_DOOMED) != 0) {
                    StateRecord.addDoomed(memory.sharedState(), -1);
                }
                if (EntityRecord.scope(e) == Scope.THREAD.code()) StateRecord.addThreads(memory.sharedState(), -1);
            }
        }
        MemorySegment scratch = EntityRecord.allocate(arena);
        if (maps.entities().lookup(group, scratch)) return;
        // No thread entity anywhere (register counts one before it inserts it): none of this group either.
        if (StateRecord.threads(memory.sharedState()) > 0 && otherThreadTracked(tgid, scratch)) return;
        maps.groups().delete(group);
    }

    /** Whether a thread of process tgid other than its leader has an entity (read into scratch). */
    private boolean otherThreadTracked(int tgid, MemorySegment scratch) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment thread = arena.allocate(ValueLayout.JAVA_INT);
            for (int tid : ProcFs.threads(tgid)) {
                if (tid == tgid) continue; // looked up just now
                thread.set(ValueLayout.JAVA_INT, 0, tid);
                if (maps.entities().lookup(thread, scratch)) return true;
            }
            return false;
        }
    }

    /** Takes an address out of the objects map if it is bound to entity id (the kernel side's unbind). */
    private void unbind(Arena arena, int id, long address) {
        if (address == 0) return;
        MemorySegment k = arena.allocateFrom(ValueLayout.JAVA_LONG, address);
        MemorySegment o = ObjectRecord.allocate(arena);
        if (maps.objects().lookup(k, o) && ObjectRecord.tgid(o) == id && maps.objects().delete(k)) {
            StateRecord.addObjects(memory.sharedState(), -1);
        }
    }

    static void checkSpace(int rc, int pid) {
        if (rc == 0) return;
        if (rc == Errno.E2BIG.number() || rc == Errno.ENOSPC.number() || rc == Errno.ENOMEM.number()) {
            throw new TrackerException(ENOSPC, "cannot track pid " + pid + ": restracker already tracks "
                    + Records.MAX_ENTITIES + " entities, its maximum");
        }
        throw new NativeException(rc, "cannot update restracker's tables for pid " + pid);
    }

    Optional<QuotaLayers> layers(Arena arena, int pid) {
        MemorySegment q = QuotaRecord.allocate(arena);
        return maps.quotas().lookup(key(arena, pid), q) ? Optional.of(QuotaLayers.read(q)) : Optional.empty();
    }

    void writeLayers(Arena arena, int pid, QuotaLayers layers, boolean mayExist) {
        MemorySegment q = QuotaRecord.allocate(arena);
        layers.write(q);
        int rc = maps.quotas().update(key(arena, pid), q, mayExist ? BpfMap.ANY : BpfMap.NOEXIST);
        if (rc == Errno.EEXIST.number()) {
            throw new TrackerException(ALREADY, "pid " + pid + " already has quotas: reset them first or use --replace");
        }
        checkSpace(rc, pid);
    }
}
