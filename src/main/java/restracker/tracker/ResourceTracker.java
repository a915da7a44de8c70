package restracker.tracker;

import static restracker.sys.Errno.ALREADY;
import static restracker.sys.Errno.EINVAL;
import static restracker.sys.Errno.ENOSPC;
import static restracker.sys.Errno.EPERM;
import static restracker.sys.Errno.ESRCH;
import static restracker.tracker.TrackerMaps.key;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import restracker.bpf.BpfMap;
import restracker.kernel.Blueprint;
import restracker.kernel.DirLock;
import restracker.kernel.EntityRecord;
import restracker.kernel.PinnedState;
import restracker.kernel.PolicyRecords;
import restracker.kernel.PolicyStateRecord;
import restracker.kernel.Records;
import restracker.kernel.StateRecord;
import restracker.proc.ProcFs;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.sys.NativeException;

/**
 * The five system calls of the kernel patch restracker replaces (register, fetch, deregister, resource_cap, resource_reset) over the
 * pinned BPF maps, with their error numbers. Enforcement happens in the kernel; this class only
 * reads and writes the tables, so it may come and go like a system call.
 */
public final class ResourceTracker implements AutoCloseable {

    /**
     * The kernel side: tracker.bpf.o, its maps, the exec and exit hooks, and its hooks on every
     * hooked syscall in each {@link TrackerHooks} variant, in the default order.
     */
    public static final Blueprint BLUEPRINT = blueprint(TrackerHooks.DEFAULT_PREFERENCE);

    /** The iterator that puts a registered process's mm and fd table in the objects map. */
    static final String BIND_ITERATOR = "bind_objects";
    /**
     * The same bind by the process's leader in one system call (a syscall program that user space
     * runs), and the kfuncs it needs; the iterator where it is missing or leaves the entity unbound.
     */
    static final String BIND_PROGRAM = "bind_process";
    static final List<String> BIND_PROGRAM_NEEDS = List.of("bpf_task_from_pid", "bpf_task_release");
    /** Deregistration in one system call (a syscall program), while no thread entity exists. */
    static final String FORGET_PROGRAM = "forget_entity";
    /** The iterator that makes every running process a policy matches a process entity of it. */
    public static final String HOLD_ITERATOR = "hold_policies";
    /** The fork hook: the child of a process entity that inherits, or that a policy holds, gets its own. */
    static final String FORK_HOOK = "on_fork";
    /** tp_btf/cgroup_attach_task: a process moved into another cgroup is matched against the policies. */
    static final String CGROUP_HOOK = "on_cgroup_attach";
    /** The program that kills a doomed process from any task's context, and the kfuncs it needs. */
    public static final String SIGNAL_ANY_TASK = "signal_doomed";
    static final List<String> SIGNAL_ANY_TASK_NEEDS = List.of("bpf_task_from_pid", "bpf_task_release", "bpf_send_signal_task");

    private final PinnedState state;
    private final TrackerMaps maps;
    private final TrackerMemory memory;
    private final EntityTables tables;
    private final KillLog killLog;
    /** The stat files of the tasks registered here, read again by cap and fetch. */
    private final StatFiles statFiles = new StatFiles();
    /** The hook variant loaded, found on first use (null: not looked for yet). */
    private Optional<Blueprint.Variant> variant;
    /** A change here may have left hooks that nothing needs: {@link #close} fits them. */
    private volatile boolean hooksMayGo;

    private ResourceTracker(PinnedState state) {
        this.state = state;
        this.maps = TrackerMaps.of(state);
        this.memory = new TrackerMemory(maps);
        this.tables = new EntityTables(maps, memory, statFiles);
        this.killLog = new KillLog(maps, memory);
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

    /**
     * The tracker's Blueprint with the given hook variants, tried in that order. The variants list a
     * hook per syscall of {@link restracker.kernel.HookedSyscalls} (read from the jar's syscalls.def),
     * so they are made when first needed (a load, the variant attached), not by every call that
     * opens the tracker.
     */
    public static Blueprint blueprint(List<TrackerHooks> hooks) {
        if (hooks.isEmpty()) throw new IllegalArgumentException("no tracker hooks to load");
        List<TrackerHooks> order = List.copyOf(hooks);
        return new Blueprint("tracker", "tracker.bpf.o", Records.ABI_VERSION,
                TrackerMaps.class,
                List.of(new Blueprint.Attachment("on_exec", "sched", "sched_process_exec"),
                        new Blueprint.Attachment("on_task_exit", "sched", "sched_process_exit"),
                        new Blueprint.Attachment("on_switch", "sched", "sched_switch"),
                        new Blueprint.Attachment("on_uring_complete", "io_uring", "io_uring_complete"),
                        new Blueprint.Attachment("on_uring_complete", "io_uring", "io_uring_submit_req"),
                        new Blueprint.Attachment("on_uring_complete", "io_uring", "io_uring_submit_sqe")),
                Blueprint.variantsOnFirstUse(() -> order.stream().distinct().map(TrackerHooks::variant).toList()),
                List.of(new Blueprint.Program(BIND_ITERATOR, List.of()),
                        new Blueprint.Program(HOLD_ITERATOR, List.of()), new Blueprint.Program(FORK_HOOK, List.of()),
                        new Blueprint.Program(CGROUP_HOOK, List.of()),
                        new Blueprint.Program(SIGNAL_ANY_TASK, SIGNAL_ANY_TASK_NEEDS),
                        new Blueprint.Program(BIND_PROGRAM, BIND_PROGRAM_NEEDS, true),
                        new Blueprint.Program(FORGET_PROGRAM, List.of(), true)));
    }

    /** The syscall hooks loaded in the kernel, by the names of the pinned links and programs. */
    public Optional<TrackerHooks> hooks() {
        return variant().flatMap(v -> TrackerHooks.of(v.name()));
    }

    private Optional<Blueprint.Variant> variant() {
        if (variant == null) variant = state.attachedVariant(BLUEPRINT);
        return variant;
    }

    /**
     * Attaches the syscall hooks the tables need now and detaches those nothing needs: the entry
     * hooks while a thread entity is tracked, the exit hooks while any entity is tracked or any
     * policy is loaded, the uid-change hooks while any policy is loaded. A register attaches what
     * its entity needs at once; what nothing needs any more (after a deregister, or once a tracked
     * process exited) stays attached until this is called: by {@link #close} after a deregister
     * (so a CLI call leaves nothing unneeded behind, while a program that registers and deregisters
     * in a loop does not detach and attach again each time), by the daemon at each reading, by
     * `run` when its program has exited. Costs a few memory reads and a system call or two when
     * nothing changes.
     */
    public void fitHooks() {
        try (DirLock lock = state.lock()) {
            fitHooks(PolicyStateRecord.policies(memory.policyState()) > 0);
        }
    }

    /**
     * As {@link #fitHooks()}, with policiesLoaded saying whether policies will be loaded once the
     * caller's change is done (the hooks a policy needs are attached before it is written). The
     * caller holds the state's lock.
     */
    public void fitHooks(boolean policiesLoaded) {
        Optional<Blueprint.Variant> v = variant();
        if (v.isEmpty()) return;
        boolean threads = StateRecord.threads(memory.sharedState()) > 0;
        boolean entities = threads || memory.logs().allEntities() > 0;
        setHooks(v.get(), threads, entities || policiesLoaded, policiesLoaded);
    }

    /** Attaches the hooks an entity of scope needs before it is inserted (a change meanwhile would go uncounted). */
    private void hooksFor(Scope scope) {
        Optional<Blueprint.Variant> v = variant();
        if (v.isEmpty()) return;
        state.setHooks(v.get(), TrackerHooks.EXIT_HOOKS, true);
        if (scope == Scope.THREAD) state.setHooks(v.get(), TrackerHooks.ENTRY_HOOKS, true);
    }

    private void setHooks(Blueprint.Variant v, boolean entry, boolean exit, boolean uid) {
        // Attached from the exit side inward, detached from the entry side: an entry hook never runs without its exit.
        if (exit) state.setHooks(v, TrackerHooks.EXIT_HOOKS, true);
        state.setHooks(v, TrackerHooks.ENTRY_HOOKS, entry);
        if (!exit) state.setHooks(v, TrackerHooks.EXIT_HOOKS, false);
        state.setHooks(v, TrackerHooks.UID_HOOKS, uid);
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
        return register(pid, rebaseOnExec, false, by);
    }

    /**
     * As {@link #register(int, boolean, Actor)}; with withChildren (how `run` tracks a program's
     * tree), every process it forks from then on, and theirs, becomes a process entity of its own in
     * the kernel, with the same quotas, counted from its fork.
     */
    public Scope register(int pid, boolean rebaseOnExec, boolean withChildren, Actor by) {
        if (pid < 1) throw new TrackerException(EINVAL, "cannot register pid " + pid + ": a pid is a positive number");
        // The stat file stays open: the check after the insert reads the same task again, with one
        // system call, and once registered it is kept for the cap and fetch of the task (StatFiles).
        ProcFs.StatFile stat = null;
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            stat = ProcFs.StatFile.openOwn(pid);
            ProcFs.Task task = EntityTables.liveTask(stat.task(), pid, "register");
            if (!by.isRoot() && !task.creds().signalableBy(by.uid())) {
                throw new TrackerException(EPERM, "cannot register pid " + pid + ": it belongs to uid " + task.creds().uid()
                        + ", and uid " + by.uid() + " may track only its own processes");
            }
            int log = killLog.logOf(arena, by, pid);
            if (!by.isRoot() && memory.logs().entities(log) >= Records.USER_ENTITIES) {
                throw new TrackerException(ENOSPC, "cannot register pid " + pid + ": uid " + by.uid() + " already tracks "
                        + Records.USER_ENTITIES + " entities, a user's maximum");
            }
            Scope scope = task.tgid() == pid ? Scope.PROCESS : Scope.THREAD;
            MemorySegment e = EntityRecord.allocate(arena);
            EntityRecord.setId(e, pid);
            EntityRecord.setTgid(e, task.tgid());
            EntityRecord.setScope(e, scope.code());
            EntityRecord.setFlags(e, rebaseOnExec ? Records.F_REBASE_ON_EXEC : 0);
            EntityRecord.setStartTicks(e, task.startTicks());
            if (scope == Scope.PROCESS) {
                EntityRecord.setBaseHeap(e, task.vmDataBytes() + task.vmStackBytes());
                EntityRecord.setBaseFiles(e, Math.max(0, ProcFs.openFds(pid)));
                EntityRecord.setVmData(e, task.vmDataBytes());
                EntityRecord.setVmStack(e, task.vmStackBytes());
            }
            EntityRecord.setRegisteredNs(e, Libc.boottimeNanos());
            EntityRecord.setOwnerUid(e, by.uid());
            EntityRecord.setLog(e, log);
            if (withChildren && scope == Scope.PROCESS) EntityRecord.setPolicyFlags(e, PolicyRecords.PE_INHERIT);
            hooksFor(scope);
            boolean inserted = false;
            int rc;
            try {
                // Counted before it exists: the kernel's exit hook gives it back once it deleted it.
                // A thread too (a call killed in between leaves a count too high: hooks attached and
                // groups scanned for nothing, never a thread entity that nothing counts).
                memory.logs().addEntities(log, 1);
                if (scope == Scope.THREAD) StateRecord.addThreads(memory.sharedState(), 1);
                MemorySegment key = key(arena, pid);
                rc = maps.entities().update(key, e, BpfMap.NOEXIST);
                if (rc == Errno.EEXIST.number() && tables.dropIfStale(arena, pid)) {
                    rc = maps.entities().update(key, e, BpfMap.NOEXIST);
                }
                if (rc != 0) {
                    memory.logs().addEntities(log, -1);
                    if (scope == Scope.THREAD) StateRecord.addThreads(memory.sharedState(), -1);
                }
                if (rc == Errno.EEXIST.number()) {
                    throw new TrackerException(ALREADY, "pid " + pid + " is already monitored");
                }
                EntityTables.checkSpace(rc, pid);
                // Given back by the delete that succeeds (here or the kernel's).
                inserted = true;
            } finally {
                if (!inserted) hooksMayGo = true;
            }
            rc = maps.groups().update(key(arena, task.tgid()), arena.allocate(ValueLayout.JAVA_INT), BpfMap.NOEXIST);
            if (rc != 0 && rc != Errno.EEXIST.number()) {
                tables.removeEntity(arena, pid, task.tgid());
                hooksMayGo = true;
                EntityTables.checkSpace(rc, pid);
            }
            // The task may have exited, or begun to, before the entry existed (its exit hook then saw
            // nothing). PF_EXITING is set before that hook runs: if it is not set now, after the
            // insert, the hook is still to come and will delete the entry.
            Optional<ProcFs.Stat> again = stat.read();
            if (again.isEmpty() || again.get().isZombie() || again.get().exiting()
                    || again.get().startTicks() != task.startTicks()) {
                tables.removeEntity(arena, pid, task.tgid());
                hooksMayGo = true;
                throw new TrackerException(ESRCH, "cannot register pid " + pid + ": it exited meanwhile");
            }
            // Its mm and fd table, so that a task sharing either is seen (the kernel side also binds
            // them at the process's first hooked call, where neither program is pinned): by its
            // leader in one call, else by the iterator over its threads.
            if (scope == Scope.PROCESS && state.runProgram(BIND_PROGRAM, pid).orElse(1) != 0) {
                state.runIterator(BIND_ITERATOR, pid);
            }
            statFiles.keep(pid, stat);
            stat = null;
            return scope;
        } finally {
            if (stat != null) stat.close();
        }
    }

    /** Usage and quotas of a tracked pid; EINVAL when it is not tracked. */
    public EntityStats fetch(int pid) {
        if (pid < 1) throw new TrackerException(EINVAL, "cannot fetch pid " + pid + ": a pid is a positive number");
        try (Arena arena = Arena.ofConfined()) {
            return tables.stats(arena, pid).orElseThrow(() ->
                    new TrackerException(EINVAL, "cannot fetch pid " + pid + ": it is not tracked"));
        }
    }

    /**
     * Every tracked entity of a live task, by pid, with the figures {@link #fetch} gives each: the
     * tables read in batches, /proc only for the live (see {@link EntityListing}).
     */
    public List<EntityStats> list() {
        return EntityListing.read(maps);
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
            MemorySegment e = null;
            if (!by.isRoot()) {
                e = entityOrEsrch(arena, pid);
                int owner = EntityRecord.ownerUid(e);
                if (owner != by.uid()) {
                    throw new TrackerException(EPERM, "cannot deregister pid " + pid + ": " + who(owner)
                            + " registered it, and uid " + by.uid() + " may remove only what it registered");
                }
                Optional<QuotaLayers> q = tables.layers(arena, pid);
                if (q.isPresent()) notOthers(q.get(), by, "deregister", pid);
            }
            // In one system call where the kernel runs the program and no thread entity exists.
            int rc = state.runProgram(FORGET_PROGRAM, pid).orElse(Records.FORGET_THREADS);
            if (rc == Records.FORGET_NONE) throw notTracked(pid);
            if (rc != Records.FORGET_DONE) tables.removeEntity(arena, pid, e != null ? e : entityOrEsrch(arena, pid));
            statFiles.drop(pid);
            hooksMayGo = true;
        }
    }

    /** The entity under pid, as deregister reads it; ESRCH when there is none. */
    private MemorySegment entityOrEsrch(Arena arena, int pid) {
        MemorySegment e = EntityRecord.allocate(arena);
        if (!maps.entities().lookup(key(arena, pid), e)) throw notTracked(pid);
        return e;
    }

    private static TrackerException notTracked(int pid) {
        return new TrackerException(ESRCH, "cannot deregister pid " + pid + ": it is not tracked");
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
            ProcFs.Stat task = by.isRoot() ? EntityTables.liveStat(statFiles.stat(pid), pid, "cap")
                    : userCappable(EntityTables.liveTask(pid, "cap"), by);
            MemorySegment e = tables.trackedEntity(arena, pid, "cap");
            int tgid = EntityRecord.tgid(e);
            if (pid == 1 || tgid == 1 || task.kernelThread()) {
                throw new TrackerException(EPERM, "refusing a quota on pid " + pid + " ("
                        + (pid == 1 ? "init" : tgid == 1 ? "a thread of init" : "a kernel thread")
                        + "): killing it would take the system down");
            }
            if (!by.isRoot() && task.startTicks() != EntityRecord.startTicks(e)) {
                throw new TrackerException(EINVAL, "cannot cap pid " + pid + ": it is not tracked (register it first)");
            }
            if (by.isRoot()) {
                // Explicit wins: root's cap takes a process over from the policy that held it.
                boolean policyHeld = PolicyNames.takeOver(maps, arena, pid, e);
                // Root's layer replaces every layer, so what was there is not read: quotas there
                // without replace (nor a policy's, taken over) refuse the write itself (EEXIST: ALREADY).
                QuotaLayers after = QuotaLayers.ofRoot(quota, EntityRecord.log(e));
                tables.writeLayers(arena, pid, after, replace || policyHeld);
                killLog.killIfOver(arena, e, pid, task.comm(), after.effective(), after.log());
                return;
            }
            Optional<QuotaLayers> before = tables.layers(arena, pid);
            QuotaLayers now = before.orElse(new QuotaLayers(Optional.empty(), Optional.empty(), 0,
                    EntityRecord.log(e)));
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
            QuotaLayers after = now.withUser(quota, by.uid());
            tables.writeLayers(arena, pid, after, replace || before.isPresent());
            undoIfPrivilegedMeanwhile(arena, pid, before, by);
            killLog.killIfOver(arena, e, pid, task.comm(), after.effective(), after.log());
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
            EntityTables.liveStat(statFiles.stat(pid), pid, "reset");
            MemorySegment e = tables.trackedEntity(arena, pid, "reset");
            if (!by.isRoot()) {
                Optional<QuotaLayers> q = tables.layers(arena, pid);
                if (q.isEmpty()) return;
                notOthers(q.get(), by, "reset", pid);
            } else {
                PolicyNames.takeOver(maps, arena, pid, e);
            }
            maps.quotas().delete(key(arena, pid));
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
        if (before.isPresent()) tables.writeLayers(arena, pid, before.get(), true);
        else maps.quotas().delete(key(arena, pid));
        throw new TrackerException(EPERM, "cannot cap pid " + pid + ": it gained privileges uid " + by.uid()
                + " does not have meanwhile (it executed a setuid or setgid program)");
    }

    /**
     * The events still held by the kernel's logs (root's and each user's), oldest first; those
     * overwritten (each log overwrites only its own oldest) or reclaimed with a user's log are counted.
     */
    public EventLog events() {
        return killLog.events();
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
        if (hooksMayGo) {
            try {
                fitHooks();
            } catch (RuntimeException e) {
                // left attached until the next fit: costs time, never counts wrong
            }
        }
        memory.unmap();
        statFiles.close();
        state.close();
    }
}
