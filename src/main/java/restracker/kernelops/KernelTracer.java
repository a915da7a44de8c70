package restracker.kernelops;

import static restracker.sys.Errno.ALREADY;
import static restracker.sys.Errno.EINVAL;
import static restracker.sys.Errno.ENOSPC;
import static restracker.sys.Errno.ESRCH;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import restracker.bpf.BpfMap;
import restracker.kernel.Blueprint;
import restracker.kernel.DirLock;
import restracker.kernel.PinnedState;
import restracker.proc.ProcFs;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.sys.NativeException;

/**
 * The kernel-operations tracer (/dev/tracer's TRACER_ADD_PROCESS and TRACER_REMOVE_PROCESS,
 * /proc/tracer's table) over pinned BPF maps: per traced process, kmalloc and kfree calls and
 * bytes, times switched out, and up, down_interruptible, mutex_lock and mutex_unlock calls where the
 * kernel lets them be hooked. Counting happens in the kernel; this class only edits and reads the
 * table, so it may come and go like a system call.
 *
 * <p>The kernel side is loaded lazily, by the first {@link #open}: until then no kmalloc hook
 * costs anything. While nothing is traced each hook returns at its first instruction.
 */
public final class KernelTracer implements AutoCloseable {

    /** The tables and the exit hook; the counting hooks are loaded onto them by {@link KernelOpsHooks}. */
    public static final Blueprint BLUEPRINT = new Blueprint("kernelops", "kernelops.bpf.o", KernelOpsRecords.ABI_VERSION,
            KernelOpsMaps.class,
            List.of(new Blueprint.Attachment("on_exit", "sched", "sched_process_exit")));

    private final PinnedState state;
    private final KernelOpsMaps maps;
    private final Map<Counter, CounterSource> sources;
    private MemorySegment shared;

    /** The lock counters' hooks tried where none are asked for: fentry, then kprobes. */
    public static final List<CounterSource.Hook> DEFAULT_LOCK_HOOKS = KernelOpsHooks.DEFAULT_PREFERENCE;

    private KernelTracer(PinnedState state, List<CounterSource.Hook> lockHooks) {
        this.state = state;
        this.maps = KernelOpsMaps.of(state);
        try {
            this.sources = KernelOpsHooks.ensureLoaded(state, lockHooks);
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
    }

    /** Opens the tracer at the default pin directory, loading it into the kernel if needed. */
    public static KernelTracer open() {
        return open(PinnedState.DEFAULT_DIR);
    }

    /** Opens the tracer at pinDir, loading it if needed with the default lock-counter hooks. */
    public static KernelTracer open(Path pinDir) {
        return open(pinDir, KernelOpsHooks.DEFAULT_PREFERENCE);
    }

    /**
     * Opens the tracer at pinDir, loading it if needed with the lock counters' hooks tried in the
     * order given (an empty list leaves them unmeasured); a tracer already loaded keeps its hooks.
     */
    public static KernelTracer open(Path pinDir, List<CounterSource.Hook> lockHooks) {
        return new KernelTracer(PinnedState.openOrLoad(pinDir, BLUEPRINT), lockHooks);
    }

    /** The tracer if it is loaded at pinDir; never loads it. */
    public static Optional<KernelTracer> openExisting(Path pinDir) {
        return openExisting(pinDir, KernelOpsHooks.DEFAULT_PREFERENCE);
    }

    /** As {@link #openExisting(Path)}; lockHooks are tried if the counting hooks must be attached again. */
    public static Optional<KernelTracer> openExisting(Path pinDir, List<CounterSource.Hook> lockHooks) {
        return PinnedState.openExisting(pinDir, BLUEPRINT).map(s -> new KernelTracer(s, lockHooks));
    }

    public PinnedState state() {
        return state;
    }

    /** How each counter is measured on this kernel, in column order. */
    public Map<Counter, CounterSource> sources() {
        return sources;
    }

    /**
     * Starts tracing process pid (all its threads; a kernel thread too). Errors: pid &lt; 1 or a
     * thread that does not lead its process → EINVAL; no such process, a zombie, or a process that
     * is exiting → ESRCH; already traced → 23; table full → ENOSPC.
     */
    public void add(int pid) {
        if (pid < 1) throw new KernelOpsException(EINVAL, "cannot trace pid " + pid + ": a pid is a positive number");
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            ProcFs.Task task = liveTask(pid);
            if (task.tgid() != pid) {
                throw new KernelOpsException(EINVAL, "cannot trace pid " + pid + ": it is a thread of process " + task.tgid()
                        + ", and the tracer counts whole processes: add " + task.tgid());
            }
            reconcile();
            if (traced().lookup(key(arena, pid), KernelOpsEntryRecord.allocate(arena))) {
                throw new KernelOpsException(ALREADY, "pid " + pid + " is already traced");
            }
            // Open the hooks' gate first: from here on every kfree forgets the blocks it frees, so the
            // table of outstanding blocks, emptied when nothing was traced, stays exact.
            long before = KernelOpsStateRecord.addTraced(shared(), 1);
            if (before == 0) forgetAllocations();
            MemorySegment e = KernelOpsEntryRecord.allocate(arena);
            KernelOpsEntryRecord.setPid(e, pid);
            KernelOpsEntryRecord.setStartTicks(e, task.startTicks());
            KernelOpsEntryRecord.setAddedNs(e, Libc.boottimeNanos());
            int rc = traced().update(key(arena, pid), e, BpfMap.NOEXIST);
            if (rc != 0) {
                KernelOpsStateRecord.addTraced(shared(), -1);
                if (rc == Errno.EEXIST.number()) throw new KernelOpsException(ALREADY, "pid " + pid + " is already traced");
                if (rc == Errno.E2BIG.number() || rc == Errno.ENOSPC.number() || rc == Errno.ENOMEM.number()) {
                    throw new KernelOpsException(ENOSPC, "cannot trace pid " + pid + ": " + KernelOpsRecords.MAX_PIDS
                            + " processes are traced already, the most the tracer holds");
                }
                throw new NativeException(rc, "cannot update the tracer's table for pid " + pid);
            }
            // Its exit hook may have run before the entry existed: then nothing would ever remove it.
            Optional<ProcFs.Task> again = ProcFs.task(pid);
            if (again.isEmpty() || again.get().isZombie() || again.get().startTicks() != task.startTicks()
                    || ProcFs.exiting(pid)) {
                drop(arena, pid);
                throw new KernelOpsException(ESRCH, "cannot trace pid " + pid + ": it exited meanwhile");
            }
        }
    }

    /** Stops tracing pid; ESRCH when it is not traced. */
    public void remove(int pid) {
        if (pid < 1) throw new KernelOpsException(EINVAL, "cannot remove pid " + pid + ": a pid is a positive number");
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            if (!drop(arena, pid)) {
                throw new KernelOpsException(ESRCH, "cannot remove pid " + pid + ": it is not traced");
            }
            reconcile();
        }
    }

    /** Every traced process with its counts, by pid. */
    public KernelOpsSnapshot snapshot() {
        List<TracedProcess> all = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment e = KernelOpsEntryRecord.allocate(arena);
            for (int pid : traced().intKeys()) {
                if (!traced().lookup(key(arena, pid), e)) continue; // exited this instant
                Optional<ProcFs.Task> task = ProcFs.task(pid);
                if (task.isEmpty() || task.get().startTicks() != KernelOpsEntryRecord.startTicks(e)) {
                    drop(arena, pid); // gone without its exit hook seeing it (it raced add)
                    continue;
                }
                all.add(toProcess(e, task.get().comm()));
            }
        }
        all.sort(Comparator.comparingInt(TracedProcess::pid));
        return new KernelOpsSnapshot(List.copyOf(all), sources,
                KernelOpsStateRecord.allocsDropped(shared()));
    }

    private TracedProcess toProcess(MemorySegment e, String comm) {
        return new TracedProcess(KernelOpsEntryRecord.pid(e), comm, KernelOpsEntryRecord.kmalloc(e), KernelOpsEntryRecord.kfree(e),
                KernelOpsEntryRecord.kmallocMem(e), KernelOpsEntryRecord.kfreeMem(e), KernelOpsEntryRecord.sched(e),
                measured(Counter.UP, KernelOpsEntryRecord.up(e)), measured(Counter.DOWN, KernelOpsEntryRecord.down(e)),
                measured(Counter.LOCK, KernelOpsEntryRecord.lock(e)), measured(Counter.UNLOCK, KernelOpsEntryRecord.unlock(e)));
    }

    private OptionalLong measured(Counter c, long value) {
        return sources.get(c).measured() ? OptionalLong.of(value) : OptionalLong.empty();
    }

    /** Deletes pid's entry; false when there was none. The one who deletes it counts it out. */
    private boolean drop(Arena arena, int pid) {
        if (!traced().delete(key(arena, pid))) return false;
        KernelOpsStateRecord.addTraced(shared(), -1);
        return true;
    }

    /** Empties the table of outstanding blocks; only while no process is traced (nothing adds to it). */
    private void forgetAllocations() {
        maps.allocs().clear(Long.BYTES);
        KernelOpsStateRecord.setAllocsLive(shared(), 0);
    }

    /**
     * With the lock held, an empty table means nothing is traced: a count left above 0 by a
     * restracker killed between its two steps is set right, so that the hooks' gate closes again.
     */
    private void reconcile() {
        if (traced().isEmpty(Integer.BYTES)) KernelOpsStateRecord.setTraced(shared(), 0);
    }

    private BpfMap traced() {
        return maps.traced();
    }

    private MemorySegment shared() {
        if (shared == null) shared = maps.state().mapShared(Libc.pageSize());
        return shared;
    }

    private static ProcFs.Task liveTask(int pid) {
        Optional<ProcFs.Task> task = ProcFs.task(pid);
        if (task.isEmpty()) throw new KernelOpsException(ESRCH, "cannot trace pid " + pid + ": no such process");
        if (task.get().isZombie()) {
            throw new KernelOpsException(ESRCH, "cannot trace pid " + pid + ": it has exited (a zombie)");
        }
        if (ProcFs.exiting(pid)) throw new KernelOpsException(ESRCH, "cannot trace pid " + pid + ": it is exiting");
        return task.get();
    }

    private static MemorySegment key(Arena arena, int pid) {
        return arena.allocateFrom(ValueLayout.JAVA_INT, pid);
    }

    @Override
    public void close() {
        state.close();
    }
}
