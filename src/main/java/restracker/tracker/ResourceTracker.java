package restracker.tracker;

import static restracker.bpf.Errno.ALREADY;
import static restracker.bpf.Errno.EINVAL;
import static restracker.bpf.Errno.ENOSPC;
import static restracker.bpf.Errno.EPERM;
import static restracker.bpf.Errno.ESRCH;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import restracker.bpf.BpfMap;
import restracker.bpf.Errno;
import restracker.bpf.Libc;
import restracker.bpf.NativeException;
import restracker.kernel.Blueprint;
import restracker.kernel.DirLock;
import restracker.kernel.HookedSyscalls;
import restracker.kernel.PinnedState;
import restracker.kernel.Records;

/**
 * The seeds' five system calls (register, fetch, deregister, resource_cap, resource_reset) over the
 * pinned BPF maps, with their error numbers. Enforcement happens in the kernel; this class only
 * reads and writes the tables, so it may come and go like a system call.
 */
public final class ResourceTracker implements AutoCloseable {
    private static final VarHandle LONG_AT = ValueLayout.JAVA_LONG.varHandle();

    /**
     * The kernel side: tracker.bpf.o, its maps, the exec and exit hooks, and its hooks on every
     * hooked syscall in each {@link TrackerHooks} variant, in the default order.
     */
    public static final Blueprint BLUEPRINT = blueprint(TrackerHooks.DEFAULT_PREFERENCE);

    private final PinnedState state;
    /** The `state` map's memory, mapped on first use: counters shared atomically with the BPF side. */
    private MemorySegment sharedStateSegment;

    private ResourceTracker(PinnedState state) {
        this.state = state;
    }

    /** Opens the tracker at the configured pin directory, loading it into the kernel if needed. */
    public static ResourceTracker open() {
        return open(PinnedState.configuredDir());
    }

    /** Opens the tracker at pinDir, loading it if needed with the configured hooks ({@link TrackerHooks#configured}). */
    public static ResourceTracker open(Path pinDir) {
        return open(pinDir, TrackerHooks.configured());
    }

    /**
     * Opens the tracker at pinDir, loading it if needed with the first of hooks the kernel accepts
     * (none accepted: a NativeException with each refusal); a tracker already loaded keeps its hooks.
     */
    public static ResourceTracker open(Path pinDir, List<TrackerHooks> hooks) {
        return new ResourceTracker(PinnedState.openOrLoad(pinDir, blueprint(hooks)));
    }

    /** The tracker if it is loaded at pinDir; never loads. */
    public static Optional<ResourceTracker> openExisting(Path pinDir) {
        return PinnedState.openExisting(pinDir, BLUEPRINT).map(ResourceTracker::new);
    }

    /** The tracker's Blueprint with the given hook variants, tried in that order. */
    public static Blueprint blueprint(List<TrackerHooks> hooks) {
        if (hooks.isEmpty()) throw new IllegalArgumentException("no tracker hooks to load");
        return new Blueprint("tracker", "tracker.bpf.o", Records.ABI_VERSION,
                List.of("groups", "entities", "quotas", "events", "state"),
                List.of(new Blueprint.Attachment("on_exec", "sched", "sched_process_exec"),
                        new Blueprint.Attachment("on_task_exit", "sched", "sched_process_exit")),
                hooks.stream().distinct().map(TrackerHooks::variant).toList());
    }

    /** The syscall hooks attached in the kernel, by the names of the pinned links. */
    public Optional<TrackerHooks> hooks() {
        return state.attachedVariant(BLUEPRINT).flatMap(v -> TrackerHooks.of(v.name()));
    }

    public PinnedState state() {
        return state;
    }

    /** Starts tracking pid: the whole process if pid is a thread-group leader, else that thread. */
    public Scope register(int pid) {
        return register(pid, false);
    }

    /**
     * As {@link #register(int)}; with rebaseOnExec, usage starts from zero at the process's next
     * exec (how `run` counts a program from its start).
     */
    public Scope register(int pid, boolean rebaseOnExec) {
        return register(pid, rebaseOnExec, Actor.ROOT);
    }

    /** As {@link #register(int, boolean)}, on behalf of by. */
    public Scope register(int pid, boolean rebaseOnExec, Actor by) {
        if (pid < 1) throw new TrackerException(EINVAL, "cannot register pid " + pid + ": a pid is a positive number");
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            ProcFs.Task task = liveTask(pid, "register");
            Scope scope = task.tgid() == pid ? Scope.PROCESS : Scope.THREAD;
            MemorySegment e = Records.ENTITY.allocate(arena);
            Records.ENTITY.setInt(e, "id", pid);
            Records.ENTITY.setInt(e, "tgid", task.tgid());
            Records.ENTITY.setInt(e, "scope", scope.code());
            Records.ENTITY.setInt(e, "flags", rebaseOnExec ? Records.F_REBASE_ON_EXEC : 0);
            Records.ENTITY.setLong(e, "start_ticks", task.startTicks());
            if (scope == Scope.PROCESS) {
                Records.ENTITY.setLong(e, "base_heap", task.vmDataBytes());
                Records.ENTITY.setLong(e, "base_files", Math.max(0, ProcFs.openFds(pid)));
            }
            Records.ENTITY.setLong(e, "registered_ns", Libc.boottimeNanos());
            int rc = state.map("entities").update(key(arena, pid), e, BpfMap.NOEXIST);
            if (rc == Errno.EEXIST.number() && dropIfStale(arena, pid)) {
                rc = state.map("entities").update(key(arena, pid), e, BpfMap.NOEXIST);
            }
            if (rc == Errno.EEXIST.number()) {
                throw new TrackerException(ALREADY, "pid " + pid + " is already monitored");
            }
            checkSpace(rc, pid);
            rc = state.map("groups").update(key(arena, task.tgid()), arena.allocate(ValueLayout.JAVA_INT), BpfMap.NOEXIST);
            if (rc != 0 && rc != Errno.EEXIST.number()) {
                state.map("entities").delete(key(arena, pid));
                checkSpace(rc, pid);
            }
            // The task may have exited, or begun to, before the entry existed (its exit hook then saw
            // nothing). PF_EXITING is set before that hook runs: if it is not set now, after the
            // insert, the hook is still to come and will delete the entry.
            Optional<ProcFs.Stat> again = ProcFs.stat(pid);
            if (again.isEmpty() || again.get().isZombie() || again.get().exiting()
                    || again.get().startTicks() != task.startTicks()) {
                removeEntity(arena, pid, task.tgid());
                throw new TrackerException(ESRCH, "cannot register pid " + pid + ": it exited meanwhile");
            }
            return scope;
        }
    }

    /** Usage and quotas of a tracked pid; EINVAL when it is not tracked. */
    public EntityStats fetch(int pid) {
        if (pid < 1) throw new TrackerException(EINVAL, "cannot fetch pid " + pid + ": a pid is a positive number");
        try (Arena arena = Arena.ofConfined()) {
            return stats(arena, pid).orElseThrow(() ->
                    new TrackerException(EINVAL, "cannot fetch pid " + pid + ": it is not tracked"));
        }
    }

    /** Every tracked entity, by pid. */
    public List<EntityStats> list() {
        List<EntityStats> all = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            for (int pid : state.map("entities").intKeys()) stats(arena, pid).ifPresent(all::add);
        }
        all.sort(java.util.Comparator.comparingInt(EntityStats::pid));
        return all;
    }

    public void deregister(int pid) {
        deregister(pid, Actor.ROOT);
    }

    /** As {@link #deregister(int)}, on behalf of by. */
    public void deregister(int pid, Actor by) {
        if (pid < 1) throw new TrackerException(EINVAL, "cannot deregister pid " + pid + ": a pid is a positive number");
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            MemorySegment e = Records.ENTITY.allocate(arena);
            if (!state.map("entities").lookup(key(arena, pid), e)) {
                throw new TrackerException(ESRCH, "cannot deregister pid " + pid + ": it is not tracked");
            }
            removeEntity(arena, pid, Records.ENTITY.getInt(e, "tgid"));
        }
    }

    /**
     * Sets quotas (resource_cap). Usage already above a quota kills the process at once. Quotas
     * already set are refused with 23 unless replace is given.
     */
    public void cap(int pid, Quota quota, boolean replace) {
        cap(pid, quota, replace, Actor.ROOT);
    }

    /** As {@link #cap(int, Quota, boolean)}, on behalf of by. */
    public void cap(int pid, Quota quota, boolean replace, Actor by) {
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            ProcFs.Stat task = liveStat(pid, "cap");
            MemorySegment e = trackedEntity(arena, pid, "cap");
            if (pid == 1 || task.kernelThread()) {
                throw new TrackerException(EPERM, "refusing a quota on pid " + pid + " ("
                        + (pid == 1 ? "init" : "a kernel thread") + "): killing it would take the system down");
            }
            MemorySegment q = Records.QUOTA.allocate(arena);
            Records.QUOTA.setLong(q, "heap", quota.heapBytes());
            Records.QUOTA.setLong(q, "files", quota.files());
            int rc = state.map("quotas").update(key(arena, pid), q, replace ? BpfMap.ANY : BpfMap.NOEXIST);
            if (rc == Errno.EEXIST.number()) {
                throw new TrackerException(ALREADY, "pid " + pid + " already has quotas: reset them first or use --replace");
            }
            checkSpace(rc, pid);
            killIfOver(arena, e, pid, task.comm(), quota);
        }
    }

    /** Lifts the quotas of a tracked pid (resource_reset); usage keeps counting. */
    public void reset(int pid) {
        reset(pid, Actor.ROOT);
    }

    /** As {@link #reset(int)}, on behalf of by. */
    public void reset(int pid, Actor by) {
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            liveStat(pid, "reset");
            trackedEntity(arena, pid, "reset");
            state.map("quotas").delete(key(arena, pid));
        }
    }

    /** The kill events still held by the kernel's ring, oldest first. */
    public EventLog events() {
        long total = (long) LONG_AT.getVolatile(sharedState(), Records.STATE.offset("event_seq"));
        long first = Math.max(1, total - Records.EVENT_SLOTS + 1);
        long bootNow = Libc.boottimeNanos();
        Instant now = Instant.now();
        List<KillEvent> events = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = Records.EVENT.allocate(arena);
            for (long seq = first; seq <= total; seq++) {
                if (!state.map("events").lookup(key(arena, (int) (seq % Records.EVENT_SLOTS)), v)) continue;
                if (Records.EVENT.getLong(v, "seq") != seq) continue; // being rewritten right now
                events.add(toEvent(v, now.minusNanos(bootNow - Records.EVENT.getLong(v, "time_ns"))));
            }
        }
        return new EventLog(events, Math.max(0, total - Records.EVENT_SLOTS), total);
    }

    private MemorySegment sharedState() {
        if (sharedStateSegment == null) sharedStateSegment = state.map("state").mapShared(4096);
        return sharedStateSegment;
    }

    private static KillEvent toEvent(MemorySegment v, Instant time) {
        var ev = Records.EVENT;
        return new KillEvent(ev.getLong(v, "seq"), time, ev.getInt(v, "pid"), ev.getInt(v, "tid"),
                ev.getInt(v, "entity"), Scope.of(ev.getInt(v, "scope")),
                ev.getInt(v, "reason") == Records.REASON_HEAP ? KillEvent.Reason.HEAP : KillEvent.Reason.FILES,
                HookedSyscalls.name(ev.getInt(v, "syscall_nr")), ev.getLong(v, "usage"), ev.getLong(v, "limit"),
                ev.getString(v, "comm", Records.COMM_LEN));
    }

    /** Kills pid at once if its usage is already above quota (the kernel side checks only at later calls). */
    private void killIfOver(Arena arena, MemorySegment e, int pid, String comm, Quota quota) {
        long heap = Records.ENTITY.getLong(e, "heap"), files = Records.ENTITY.getLong(e, "files");
        KillEvent.Reason reason = null;
        long usage = 0, limit = 0;
        if (quota.heapLimited() && heap > quota.heapBytes()) {
            reason = KillEvent.Reason.HEAP; usage = heap; limit = quota.heapBytes();
        } else if (quota.filesLimited() && files > quota.files()) {
            reason = KillEvent.Reason.FILES; usage = files; limit = quota.files();
        }
        if (reason == null) return;
        Libc.kill(pid, Libc.SIGKILL);
        logKill(arena, e, pid, comm, reason, usage, limit);
    }

    /** Appends an event to the kernel's ring, claiming its slot atomically against the BPF side. */
    private void logKill(Arena arena, MemorySegment e, int pid, String comm, KillEvent.Reason reason, long usage, long limit) {
        long seq = (long) LONG_AT.getAndAdd(sharedState(), Records.STATE.offset("event_seq"), 1L) + 1;
        var ev = Records.EVENT;
        MemorySegment v = ev.allocate(arena);
        ev.setLong(v, "seq", seq);
        ev.setLong(v, "time_ns", Libc.boottimeNanos());
        ev.setInt(v, "pid", Records.ENTITY.getInt(e, "tgid"));
        ev.setInt(v, "tid", pid);
        ev.setInt(v, "entity", Records.ENTITY.getInt(e, "id"));
        ev.setInt(v, "scope", Records.ENTITY.getInt(e, "scope"));
        ev.setInt(v, "reason", reason == KillEvent.Reason.HEAP ? Records.REASON_HEAP : Records.REASON_FILES);
        ev.setInt(v, "syscall_nr", -1);
        ev.setLong(v, "usage", usage);
        ev.setLong(v, "limit", limit);
        ev.setString(v, "comm", Records.COMM_LEN, comm);
        int rc = state.map("events").update(key(arena, (int) (seq % Records.EVENT_SLOTS)), v, BpfMap.ANY);
        if (rc != 0) throw new NativeException(rc, "cannot log the kill of pid " + pid);
    }

    /**
     * An entity's figures. A process entity's absolute figures are the kernel side's own (baseline +
     * change: it recounts them at every call that can change them, as /proc would show them), so
     * fetching one reads only /proc/PID/stat, to tell the same live process and its name. A thread
     * entity has no baseline: its process's figures come from /proc.
     */
    private Optional<EntityStats> stats(Arena arena, int pid) {
        MemorySegment e = Records.ENTITY.allocate(arena);
        if (!state.map("entities").lookup(key(arena, pid), e)) return Optional.empty();
        var en = Records.ENTITY;
        int tgid = en.getInt(e, "tgid");
        Optional<ProcFs.Stat> stat = ProcFs.stat(pid);
        if (stat.isEmpty() || stat.get().startTicks() != en.getLong(e, "start_ticks")) {
            return Optional.empty(); // exited this instant, or a stale entry the kernel drops on sight
        }
        MemorySegment q = Records.QUOTA.allocate(arena);
        Quota quota = state.map("quotas").lookup(key(arena, pid), q)
                ? new Quota(Records.QUOTA.getLong(q, "heap"), Records.QUOTA.getLong(q, "files"))
                : Quota.NONE;
        long heap = en.getLong(e, "heap"), files = en.getLong(e, "files");
        boolean process = en.getInt(e, "scope") == Records.SCOPE_PROCESS;
        long vmData = process ? en.getLong(e, "base_heap") + heap
                : ProcFs.task(tgid).map(ProcFs.Task::vmDataBytes).orElse(0L);
        long openFds = process ? en.getLong(e, "base_files") + files : Math.max(0, ProcFs.openFds(pid));
        return Optional.of(new EntityStats(pid, tgid, Scope.of(en.getInt(e, "scope")), stat.get().comm(),
                Math.max(0, heap), Math.max(0, files), quota, vmData, openFds));
    }

    /** What /proc says of pid (stat and status: what register needs), or ESRCH when it is gone or a zombie. */
    private static ProcFs.Task liveTask(int pid, String op) {
        return live(ProcFs.task(pid), ProcFs.Task::isZombie, pid, op);
    }

    /** As {@link #liveTask} from /proc/PID/stat alone (cap, reset). */
    private static ProcFs.Stat liveStat(int pid, String op) {
        return live(ProcFs.stat(pid), ProcFs.Stat::isZombie, pid, op);
    }

    private static <T> T live(Optional<T> task, java.util.function.Predicate<T> zombie, int pid, String op) {
        if (task.isEmpty()) throw new TrackerException(ESRCH, "cannot " + op + " pid " + pid + ": no such process");
        if (zombie.test(task.get())) {
            throw new TrackerException(ESRCH, "cannot " + op + " pid " + pid + ": it has exited (a zombie)");
        }
        return task.get();
    }

    private MemorySegment trackedEntity(Arena arena, int pid, String op) {
        MemorySegment e = Records.ENTITY.allocate(arena);
        if (!state.map("entities").lookup(key(arena, pid), e)) {
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
    private boolean dropIfStale(Arena arena, int pid) {
        MemorySegment e = Records.ENTITY.allocate(arena);
        if (!state.map("entities").lookup(key(arena, pid), e)) return false;
        Optional<ProcFs.Stat> task = ProcFs.stat(pid);
        if (task.isPresent() && task.get().startTicks() == Records.ENTITY.getLong(e, "start_ticks")) return false;
        removeEntity(arena, pid, Records.ENTITY.getInt(e, "tgid"));
        return true;
    }

    /** Deletes an entity and its quotas, and its group marker once no entity of the group is left. */
    private void removeEntity(Arena arena, int pid, int tgid) {
        state.map("quotas").delete(key(arena, pid));
        state.map("entities").delete(key(arena, pid));
        MemorySegment scratch = Records.ENTITY.allocate(arena);
        if (state.map("entities").lookup(key(arena, tgid), scratch)) return;
        for (int tid : ProcFs.threads(tgid)) {
            if (state.map("entities").lookup(key(arena, tid), scratch)) return;
        }
        state.map("groups").delete(key(arena, tgid));
    }

    private static void checkSpace(int rc, int pid) {
        if (rc == 0) return;
        if (rc == Errno.E2BIG.number() || rc == Errno.ENOSPC.number() || rc == Errno.ENOMEM.number()) {
            throw new TrackerException(ENOSPC, "cannot track pid " + pid + ": restracker already tracks "
                    + Records.MAX_ENTITIES + " entities, its maximum");
        }
        throw new NativeException(rc, "cannot update restracker's tables for pid " + pid);
    }

    private static MemorySegment key(Arena arena, int id) {
        return arena.allocateFrom(ValueLayout.JAVA_INT, id);
    }

    @Override
    public void close() {
        state.close();
    }
}
