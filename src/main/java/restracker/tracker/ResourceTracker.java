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
import restracker.proc.ProcFs;

/**
 * The five system calls of the kernel patch restracker replaces (register, fetch, deregister, resource_cap, resource_reset) over the
 * pinned BPF maps, with their error numbers. Enforcement happens in the kernel; this class only
 * reads and writes the tables, so it may come and go like a system call.
 */
public final class ResourceTracker implements AutoCloseable {
    private static final VarHandle LONG_AT = ValueLayout.JAVA_LONG.varHandle();

    /**
     * The wall-clock time of boot (CLOCK_BOOTTIME 0), read once: events carry boot-time stamps, and
     * an offset read anew for each listing would move the same event by the time between two clock
     * reads.
     */
    private static final Instant BOOT = bootInstant();

    private static Instant bootInstant() {
        // The first calls link and initialise (milliseconds): not between the two clock reads.
        Instant.now();
        Libc.boottimeNanos();
        Instant before = Instant.now();
        long boot = Libc.boottimeNanos();
        Instant after = Instant.now();
        return before.plusNanos(java.time.Duration.between(before, after).toNanos() / 2).minusNanos(boot);
    }

    /**
     * The kernel side: tracker.bpf.o, its maps, the exec and exit hooks, and its hooks on every
     * hooked syscall in each {@link TrackerHooks} variant, in the default order.
     */
    public static final Blueprint BLUEPRINT = blueprint(TrackerHooks.DEFAULT_PREFERENCE);

    /** The iterator that puts a registered process's mm and fd table in the objects map. */
    static final String BIND_ITERATOR = "bind_objects";
    /** The program that kills a doomed process from any task's context, and the kfuncs it needs. */
    public static final String SIGNAL_ANY_TASK = "signal_doomed";
    static final List<String> SIGNAL_ANY_TASK_NEEDS = List.of("bpf_task_from_pid", "bpf_task_release", "bpf_send_signal_task");

    private final PinnedState state;
    /** The `state` map's memory, mapped on first use: counters shared atomically with the BPF side. */
    private MemorySegment sharedStateSegment;
    /** The kill logs' heads (the `logs` map's memory), mapped on first use. */
    private Logs logs;

    private ResourceTracker(PinnedState state) {
        this.state = state;
    }

    /** Opens the tracker at the default pin directory, loading it into the kernel if needed. */
    public static ResourceTracker open() {
        return open(PinnedState.DEFAULT_DIR);
    }

    /** Opens the tracker at pinDir, loading it if needed with the default hooks (fentry, else tracepoints). */
    public static ResourceTracker open(Path pinDir) {
        return open(pinDir, TrackerHooks.DEFAULT_PREFERENCE);
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
                List.of("groups", "entities", "quotas", "events", "logs", "state", "objects"),
                List.of(new Blueprint.Attachment("on_exec", "sched", "sched_process_exec"),
                        new Blueprint.Attachment("on_task_exit", "sched", "sched_process_exit"),
                        new Blueprint.Attachment("on_switch", "sched", "sched_switch"),
                        new Blueprint.Attachment("on_uring_complete", "io_uring", "io_uring_complete"),
                        new Blueprint.Attachment("on_uring_complete", "io_uring", "io_uring_submit_req"),
                        new Blueprint.Attachment("on_uring_complete", "io_uring", "io_uring_submit_sqe")),
                hooks.stream().distinct().map(TrackerHooks::variant).toList(),
                List.of(new Blueprint.Program(BIND_ITERATOR, List.of()),
                        new Blueprint.Program(SIGNAL_ANY_TASK, SIGNAL_ANY_TASK_NEEDS)));
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

    /**
     * As {@link #register(int, boolean)}, on behalf of by: a user may register only a task it could
     * signal (kill(2)'s rule: its real or saved uid is the user's), and at most
     * {@link Records#USER_ENTITIES} entities at a time (ENOSPC beyond); root may register any.
     */
    public Scope register(int pid, boolean rebaseOnExec, Actor by) {
        if (pid < 1) throw new TrackerException(EINVAL, "cannot register pid " + pid + ": a pid is a positive number");
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            ProcFs.Task task = liveTask(pid, "register");
            if (!by.isRoot() && !task.creds().signalableBy(by.uid())) {
                throw new TrackerException(EPERM, "cannot register pid " + pid + ": it belongs to uid " + task.creds().uid()
                        + ", and uid " + by.uid() + " may track only its own processes");
            }
            int log = logOf(arena, by, pid);
            if (!by.isRoot() && logs().entities(log) >= Records.USER_ENTITIES) {
                throw new TrackerException(ENOSPC, "cannot register pid " + pid + ": uid " + by.uid() + " already tracks "
                        + Records.USER_ENTITIES + " entities, a user's maximum");
            }
            Scope scope = task.tgid() == pid ? Scope.PROCESS : Scope.THREAD;
            MemorySegment e = Records.ENTITY.allocate(arena);
            Records.ENTITY.setInt(e, "id", pid);
            Records.ENTITY.setInt(e, "tgid", task.tgid());
            Records.ENTITY.setInt(e, "scope", scope.code());
            Records.ENTITY.setInt(e, "flags", rebaseOnExec ? Records.F_REBASE_ON_EXEC : 0);
            Records.ENTITY.setLong(e, "start_ticks", task.startTicks());
            if (scope == Scope.PROCESS) {
                Records.ENTITY.setLong(e, "base_heap", task.vmDataBytes() + task.vmStackBytes());
                Records.ENTITY.setLong(e, "base_files", Math.max(0, ProcFs.openFds(pid)));
                Records.ENTITY.setLong(e, "vm_data", task.vmDataBytes());
                Records.ENTITY.setLong(e, "vm_stack", task.vmStackBytes());
            }
            Records.ENTITY.setLong(e, "registered_ns", Libc.boottimeNanos());
            Records.ENTITY.setInt(e, "owner_uid", by.uid());
            Records.ENTITY.setInt(e, "log", log);
            // Counted before it exists: the kernel's exit hook gives it back once it deleted it.
            logs().addEntities(log, 1);
            int rc = state.map("entities").update(key(arena, pid), e, BpfMap.NOEXIST);
            if (rc == Errno.EEXIST.number() && dropIfStale(arena, pid)) {
                rc = state.map("entities").update(key(arena, pid), e, BpfMap.NOEXIST);
            }
            if (rc != 0) logs().addEntities(log, -1);
            if (rc == Errno.EEXIST.number()) {
                throw new TrackerException(ALREADY, "pid " + pid + " is already monitored");
            }
            checkSpace(rc, pid);
            rc = state.map("groups").update(key(arena, task.tgid()), arena.allocate(ValueLayout.JAVA_INT), BpfMap.NOEXIST);
            if (rc != 0 && rc != Errno.EEXIST.number()) {
                removeEntity(arena, pid, task.tgid());
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
            // Its mm and fd table, so that a task sharing either is seen (the kernel side also binds
            // them at the process's first hooked call, where the iterator is not pinned).
            if (scope == Scope.PROCESS) state.runIterator(BIND_ITERATOR);
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

    /**
     * Every tracked entity of a live task, by pid, with the figures {@link #fetch} gives each: the
     * tables read in batches, /proc only for the live (see {@link EntityListing}).
     */
    public List<EntityStats> list() {
        return EntityListing.read(state);
    }

    public void deregister(int pid) {
        deregister(pid, Actor.ROOT);
    }

    /**
     * As {@link #deregister(int)}, on behalf of by: a user may deregister only an entity it
     * registered and whose quotas, if any, are its own.
     */
    public void deregister(int pid, Actor by) {
        if (pid < 1) throw new TrackerException(EINVAL, "cannot deregister pid " + pid + ": a pid is a positive number");
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            MemorySegment e = Records.ENTITY.allocate(arena);
            if (!state.map("entities").lookup(key(arena, pid), e)) {
                throw new TrackerException(ESRCH, "cannot deregister pid " + pid + ": it is not tracked");
            }
            if (!by.isRoot()) {
                int owner = Records.ENTITY.getInt(e, "owner_uid");
                if (owner != by.uid()) {
                    throw new TrackerException(EPERM, "cannot deregister pid " + pid + ": " + who(owner)
                            + " registered it, and uid " + by.uid() + " may remove only what it registered");
                }
                Optional<QuotaLayers> q = layers(arena, pid);
                if (q.isPresent()) notOthers(q.get(), by, "deregister", pid);
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

    /**
     * As {@link #cap(int, Quota, boolean)}, on behalf of by. Root's quota replaces every layer. A
     * user's goes in a layer of its own beside root's (the tighter figure binds), on a task it could
     * signal that has no privilege beyond the user's: a figure above root's, or a change to another
     * uid's layer, is refused with EPERM and changes nothing.
     */
    public void cap(int pid, Quota quota, boolean replace, Actor by) {
        if (pid < 1) throw new TrackerException(EINVAL, "cannot cap pid " + pid + ": a pid is a positive number");
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            ProcFs.Stat task = by.isRoot() ? liveStat(pid, "cap") : userCappable(liveTask(pid, "cap"), by);
            MemorySegment e = trackedEntity(arena, pid, "cap");
            int tgid = Records.ENTITY.getInt(e, "tgid");
            if (pid == 1 || tgid == 1 || task.kernelThread()) {
                throw new TrackerException(EPERM, "refusing a quota on pid " + pid + " ("
                        + (pid == 1 ? "init" : tgid == 1 ? "a thread of init" : "a kernel thread")
                        + "): killing it would take the system down");
            }
            if (!by.isRoot() && task.startTicks() != Records.ENTITY.getLong(e, "start_ticks")) {
                throw new TrackerException(EINVAL, "cannot cap pid " + pid + ": it is not tracked (register it first)");
            }
            Optional<QuotaLayers> before = layers(arena, pid);
            QuotaLayers after;
            if (by.isRoot()) {
                if (before.isPresent() && !replace) {
                    throw new TrackerException(ALREADY, "pid " + pid + " already has quotas: reset them first or use --replace");
                }
                after = QuotaLayers.ofRoot(quota, Records.ENTITY.getInt(e, "log"));
            } else {
                QuotaLayers now = before.orElse(new QuotaLayers(Optional.empty(), Optional.empty(), 0,
                        Records.ENTITY.getInt(e, "log")));
                if (now.user().isPresent() && now.userUid() != by.uid()) {
                    throw new TrackerException(EPERM, "cannot cap pid " + pid + ": its quotas were set by uid "
                            + now.userUid() + ", and uid " + by.uid() + " may change only its own");
                }
                if (now.user().isPresent() && !replace) {
                    throw new TrackerException(ALREADY, "pid " + pid + " already has quotas: reset them first or use --replace");
                }
                Optional<String> looser = now.looserThanRoot(quota);
                if (looser.isPresent()) {
                    throw new TrackerException(EPERM, "cannot cap pid " + pid + ": " + looser.get()
                            + ", and uid " + by.uid() + " may only tighten root's quotas");
                }
                after = now.withUser(quota, by.uid());
            }
            writeLayers(arena, pid, after, replace || before.isPresent());
            if (!by.isRoot()) undoIfPrivilegedMeanwhile(arena, pid, before, by);
            killIfOver(arena, e, pid, task.comm(), after.effective(), after.log());
        }
    }

    /** Lifts the quotas of a tracked pid (resource_reset); usage keeps counting. */
    public void reset(int pid) {
        reset(pid, Actor.ROOT);
    }

    /**
     * As {@link #reset(int)}, on behalf of by: root lifts every layer; a user lifts its own layer,
     * and is refused (EPERM) where root's layer or another uid's exists.
     */
    public void reset(int pid, Actor by) {
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            liveStat(pid, "reset");
            trackedEntity(arena, pid, "reset");
            if (!by.isRoot()) {
                Optional<QuotaLayers> q = layers(arena, pid);
                if (q.isEmpty()) return;
                notOthers(q.get(), by, "reset", pid);
            }
            state.map("quotas").delete(key(arena, pid));
        }
    }

    /** EPERM unless every layer of q is by's own (a user acting on what only it set). */
    private static void notOthers(QuotaLayers q, Actor by, String op, int pid) {
        if (q.root().isPresent() || (q.user().isPresent() && q.userUid() != by.uid())) {
            throw new TrackerException(EPERM, "cannot " + op + " pid " + pid + ": its quotas were set by "
                    + (q.root().isPresent() ? "root" : "uid " + q.userUid()) + ", and uid " + by.uid()
                    + " may only tighten them");
        }
    }

    private static String who(int uid) {
        return uid == 0 ? "root" : "uid " + uid;
    }

    /**
     * A user's cap: the task must be one it could signal, with nothing beyond the user's own
     * privileges (else a setuid program the user started could be killed at the call of its choosing).
     */
    private static ProcFs.Stat userCappable(ProcFs.Task t, Actor by) {
        if (!t.creds().signalableBy(by.uid())) {
            throw new TrackerException(EPERM, "cannot cap pid " + t.pid() + ": it belongs to uid " + t.creds().uid()
                    + ", and uid " + by.uid() + " may cap only its own processes");
        }
        if (!t.creds().onlyThoseOf(by.uid())) {
            throw new TrackerException(EPERM, "cannot cap pid " + t.pid() + ": it runs with privileges uid " + by.uid()
                    + " does not have (a setuid or setgid program, or capabilities)");
        }
        return new ProcFs.Stat(t.state(), t.startTicks(), t.comm(), t.kernelThread(), t.exiting());
    }

    /**
     * The exec of a privileged program may have come between the check and the write: the kernel
     * side drops a user's layer at such an exec only if the layer was there. Read again: if the task
     * now has privileges, the previous quotas are put back and the cap refused.
     */
    private void undoIfPrivilegedMeanwhile(Arena arena, int pid, Optional<QuotaLayers> before, Actor by) {
        Optional<ProcFs.Task> now = ProcFs.task(pid);
        if (now.isEmpty() || now.get().creds().onlyThoseOf(by.uid())) return;
        if (before.isPresent()) writeLayers(arena, pid, before.get(), true);
        else state.map("quotas").delete(key(arena, pid));
        throw new TrackerException(EPERM, "cannot cap pid " + pid + ": it gained privileges uid " + by.uid()
                + " does not have meanwhile (it executed a setuid or setgid program)");
    }

    private Optional<QuotaLayers> layers(Arena arena, int pid) {
        MemorySegment q = Records.QUOTA.allocate(arena);
        return state.map("quotas").lookup(key(arena, pid), q) ? Optional.of(QuotaLayers.read(q)) : Optional.empty();
    }

    private void writeLayers(Arena arena, int pid, QuotaLayers layers, boolean mayExist) {
        MemorySegment q = Records.QUOTA.allocate(arena);
        layers.write(q);
        int rc = state.map("quotas").update(key(arena, pid), q, mayExist ? BpfMap.ANY : BpfMap.NOEXIST);
        if (rc == Errno.EEXIST.number()) {
            throw new TrackerException(ALREADY, "pid " + pid + " already has quotas: reset them first or use --replace");
        }
        checkSpace(rc, pid);
    }

    /** by's log: root's (0) for root, else the user's own, given to it now if it has none. */
    private int logOf(Arena arena, Actor by, int pid) {
        if (by.isRoot()) return 0;
        return logs().forUser(by.uid(), arena, state.map("events"),
                n -> LONG_AT.getAndAdd(sharedState(), Records.STATE.offset("events_reclaimed"), n)).orElseThrow(() ->
                new TrackerException(ENOSPC, "cannot register pid " + pid + ": restracker keeps kill logs for "
                        + Records.USER_LOGS + " users, and each belongs to a user with entities still tracked"));
    }

    private Logs logs() {
        if (logs == null) logs = new Logs(state.map("logs").mapShared(Logs.mappedSize()));
        return logs;
    }

    /**
     * The events still held by the kernel's logs (root's and each user's), oldest first; those
     * overwritten (each log overwrites only its own oldest) or reclaimed with a user's log are counted.
     */
    public EventLog events() {
        long total = (long) LONG_AT.getVolatile(sharedState(), Records.STATE.offset("event_seq"));
        long drops = (long) LONG_AT.getVolatile(sharedState(), Records.STATE.offset("quota_drops"));
        long overwritten = (long) LONG_AT.getVolatile(sharedState(), Records.STATE.offset("events_reclaimed"));
        List<KillEvent> events = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = Records.EVENT.allocate(arena);
            for (int log = 0; log < Records.LOGS; log++) {
                long logged = logs().logged(log);
                if (logged == 0) continue;
                overwritten += Math.max(0, logged - Logs.slots(log));
                for (long n = Math.max(1, logged - Logs.slots(log) + 1); n <= logged; n++) {
                    if (!state.map("events").lookup(key(arena, Logs.slot(log, n)), v)) continue;
                    long seq = Records.EVENT.getLong(v, "seq");
                    // 0: being rewritten right now; another ordinal: not yet written, or newer than total.
                    if (seq == 0 || seq > total || Records.EVENT.getLong(v, "log_seq") != n) continue;
                    events.add(toEvent(v, BOOT.plusNanos(Records.EVENT.getLong(v, "time_ns"))));
                }
            }
        }
        events.sort(java.util.Comparator.comparingLong(KillEvent::seq));
        return new EventLog(events, Math.min(total, overwritten), total, drops);
    }

    private MemorySegment sharedState() {
        if (sharedStateSegment == null) sharedStateSegment = state.map("state").mapShared(Libc.pageSize());
        return sharedStateSegment;
    }

    private static KillEvent toEvent(MemorySegment v, Instant time) {
        var ev = Records.EVENT;
        return new KillEvent(ev.getLong(v, "seq"), time, ev.getInt(v, "pid"), ev.getInt(v, "tid"),
                ev.getInt(v, "entity"), Scope.of(ev.getInt(v, "scope")),
                KillEvent.Reason.of(ev.getInt(v, "reason")),
                HookedSyscalls.name(ev.getInt(v, "syscall_nr")), ev.getLong(v, "usage"), ev.getLong(v, "limit"),
                ev.getString(v, "comm", Records.COMM_LEN));
    }

    /** Kills pid at once if its usage is already above quota (the kernel side checks only at later calls). */
    private void killIfOver(Arena arena, MemorySegment e, int pid, String comm, Quota quota, int log) {
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
        logKill(arena, e, pid, comm, reason, usage, limit, log);
    }

    /** Appends an event to a kernel log, claiming its slot atomically against the BPF side. */
    private void logKill(Arena arena, MemorySegment e, int pid, String comm, KillEvent.Reason reason, long usage, long limit,
            int log) {
        long seq = (long) LONG_AT.getAndAdd(sharedState(), Records.STATE.offset("event_seq"), 1L) + 1;
        long n = logs().claim(log);
        var ev = Records.EVENT;
        MemorySegment v = ev.allocate(arena);
        ev.setLong(v, "seq", seq);
        ev.setLong(v, "log_seq", n);
        ev.setLong(v, "time_ns", Libc.boottimeNanos());
        ev.setInt(v, "pid", Records.ENTITY.getInt(e, "tgid"));
        ev.setInt(v, "tid", pid);
        ev.setInt(v, "entity", Records.ENTITY.getInt(e, "id"));
        ev.setInt(v, "scope", Records.ENTITY.getInt(e, "scope"));
        ev.setInt(v, "reason", reason == KillEvent.Reason.HEAP ? Records.REASON_HEAP : Records.REASON_FILES);
        ev.setInt(v, "syscall_nr", Records.NR_CAP);
        ev.setLong(v, "usage", usage);
        ev.setLong(v, "limit", limit);
        ev.setString(v, "comm", Records.COMM_LEN, comm);
        int rc = state.map("events").update(key(arena, Logs.slot(log, n)), v, BpfMap.ANY);
        if (rc != 0) throw new NativeException(rc, "cannot log the kill of pid " + pid);
    }

    /** An entity's figures (see {@link EntityListing#stats}); empty when it is not tracked or its task is gone. */
    private Optional<EntityStats> stats(Arena arena, int pid) {
        MemorySegment e = Records.ENTITY.allocate(arena);
        if (!state.map("entities").lookup(key(arena, pid), e)) return Optional.empty();
        return EntityListing.stats(pid, e, () -> layers(arena, pid), ProcFs::task);
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

    /**
     * Deletes an entity and its quotas (the delete that succeeds, this one or the kernel's, gives
     * the entity back to its owner's share), and its group marker once no entity of the group is left.
     */
    private void removeEntity(Arena arena, int pid, int tgid) {
        MemorySegment scratch = Records.ENTITY.allocate(arena);
        state.map("quotas").delete(key(arena, pid));
        if (state.map("entities").lookup(key(arena, pid), scratch)) {
            unbind(arena, pid, Records.ENTITY.getLong(scratch, "mm_key"));
            unbind(arena, pid, Records.ENTITY.getLong(scratch, "files_key"));
            if (state.map("entities").delete(key(arena, pid))) {
                logs().addEntities(Records.ENTITY.getInt(scratch, "log"), -1);
                if ((Records.ENTITY.getInt(scratch, "flags") & Records.F_DOOMED) != 0) {
                    LONG_AT.getAndAdd(sharedState(), Records.STATE.offset("doomed"), -1L);
                }
            }
        }
        if (state.map("entities").lookup(key(arena, tgid), scratch)) return;
        for (int tid : ProcFs.threads(tgid)) {
            if (state.map("entities").lookup(key(arena, tid), scratch)) return;
        }
        state.map("groups").delete(key(arena, tgid));
    }

    /** Takes an address out of the objects map if it is bound to entity id (the kernel side's unbind). */
    private void unbind(Arena arena, int id, long address) {
        if (address == 0) return;
        MemorySegment k = arena.allocateFrom(ValueLayout.JAVA_LONG, address);
        MemorySegment o = Records.OBJECT.allocate(arena);
        if (state.map("objects").lookup(k, o) && Records.OBJECT.getInt(o, "tgid") == id && state.map("objects").delete(k)) {
            LONG_AT.getAndAdd(sharedState(), Records.STATE.offset("objects"), -1L);
        }
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

    /**
     * Whether the state this tracker opened is still the one pinned (not unloaded, nor unloaded
     * and loaded again since); a StateException when hooks of it have gone (see {@link PinnedState#stillCurrent}).
     */
    public boolean stillCurrent() {
        return state.stillCurrent();
    }

    /** Releases the descriptors and the mapped memory (the kernel state stays as it is). */
    @Override
    public void close() {
        if (sharedStateSegment != null) Libc.unmap(sharedStateSegment);
        if (logs != null) Libc.unmap(logs.mapped());
        sharedStateSegment = null;
        logs = null;
        state.close();
    }
}
