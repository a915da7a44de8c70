package restracker.kernelops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import restracker.kernel.Blueprint;
import restracker.kernel.DirLock;
import restracker.kernel.PinnedState;
import restracker.kernelops.CounterSource.Hook;
import restracker.sys.NativeException;

/**
 * The tracer's second stage: kernelops_hooks.bpf.o loaded onto the maps that the tracer's Blueprint
 * pinned, its links pinned beside the exit hook's (kernelops/links/), and the outcome recorded in
 * the pinned `info` record, written last so that an interrupted load is recognised and redone.
 *
 * <p>The kmalloc, kfree and sched_switch hooks are raw tracepoint programs. The lock counters need a hook
 * on a kernel function: each is tried with fentry first, then kprobes (see
 * {@link PinnedState#loadStage}). Where neither works the counters are recorded as not measured,
 * with the reason.
 */
final class KernelOpsHooks {
    static final String OBJECT = "kernelops_hooks.bpf.o";

    /** A lock counter and its entry hook (programs fentry_NAME and kprobe_NAME; the first function the kernel has wins). */
    private record LockHook(Counter counter, Blueprint.EntryHook hook) {
        LockHook(Counter counter, String name, String... functions) {
            this(counter, new Blueprint.EntryHook(name, List.of(functions)));
        }
    }

    private static final List<LockHook> LOCKS = List.of(
            new LockHook(Counter.UP, "up", "up"),
            new LockHook(Counter.DOWN, "down", "down_interruptible"),
            // CONFIG_DEBUG_LOCK_ALLOC turns mutex_lock into a macro for mutex_lock_nested(lock, 0).
            new LockHook(Counter.LOCK, "lock", "mutex_lock", "mutex_lock_nested"),
            new LockHook(Counter.UNLOCK, "unlock", "mutex_unlock"));

    /** The raw tracepoint programs (pinned as kmalloc, kfree, sched_switch) and the lock counters' hooks. */
    private static final Blueprint.Stage STAGE = new Blueprint.Stage(OBJECT, List.of("traced", "allocs", "state"),
            Map.of("on_kmalloc", "kmalloc", "on_kfree", "kfree", "on_sched_switch", "sched_switch"),
            LOCKS.stream().map(LockHook::hook).toList());

    static final List<Hook> DEFAULT_PREFERENCE = List.of(Hook.FENTRY, Hook.KPROBE);

    private KernelOpsHooks() {}

    /**
     * The sources recorded in the pinned state, loading the hooks first if they are not (all)
     * there, the lock counters' hooks tried in the order of lockHooks (NONE and TRACEPOINT are
     * no kind of function hook: left out).
     */
    static Map<Counter, CounterSource> ensureLoaded(PinnedState state, List<Hook> lockHooks) {
        Optional<Map<Counter, CounterSource>> sources = read(state);
        if (sources.isPresent()) return sources.get();
        try (DirLock lock = state.lock()) {
            sources = read(state);
            if (sources.isPresent()) return sources.get();
            List<Blueprint.EntryKind> kinds = lockHooks.stream().flatMap(h -> switch (h) {
                case FENTRY -> Stream.of(Blueprint.EntryKind.FENTRY);
                case KPROBE -> Stream.of(Blueprint.EntryKind.KPROBE);
                default -> Stream.empty();
            }).toList();
            PinnedState.StageLoad loaded = state.loadStage(STAGE, kinds);
            String reason = loaded.reason();
            if (kinds.isEmpty()) {
                reason = (reason.isEmpty() ? "" : reason + "; ") + "no function hooks were asked for (RESTRACKER_LOCK_HOOKS)";
            }
            Map<Counter, CounterSource> m = tracepointSources();
            for (LockHook l : LOCKS) {
                PinnedState.Hooked h = loaded.hooked().get(l.hook().name());
                Counter c = l.counter();
                m.put(c, h == null ? new CounterSource(c, Hook.NONE, "", reason)
                        : new CounterSource(c, h.kind() == Blueprint.EntryKind.FENTRY ? Hook.FENTRY : Hook.KPROBE, h.function(), ""));
            }
            writeInfo(state, m, reason);
            return m;
        }
    }

    /** What the info record says, or empty while the hooks are not completely set up. */
    static Optional<Map<Counter, CounterSource>> read(PinnedState state) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = KernelOpsStructs.RT_KERNELOPS_INFO.allocate(arena);
            if (!KernelOpsMaps.of(state).info().lookup(arena.allocate(ValueLayout.JAVA_INT), v) || KernelOpsInfoRecord.ready(v) != 1) {
                return Optional.empty();
            }
            String reason = KernelOpsInfoRecord.reason(v);
            Map<Counter, CounterSource> m = tracepointSources();
            put(m, Counter.UP, KernelOpsInfoRecord.upHook(v), "up", reason);
            put(m, Counter.DOWN, KernelOpsInfoRecord.downHook(v), "down_interruptible", reason);
            put(m, Counter.LOCK, KernelOpsInfoRecord.lockHook(v),
                    KernelOpsInfoRecord.lockFunction(v), reason);
            put(m, Counter.UNLOCK, KernelOpsInfoRecord.unlockHook(v), "mutex_unlock", reason);
            return Optional.of(m);
        }
    }

    private static Map<Counter, CounterSource> tracepointSources() {
        Map<Counter, CounterSource> m = new EnumMap<>(Counter.class);
        for (Counter c : List.of(Counter.KMALLOC, Counter.KMALLOC_MEM)) {
            m.put(c, new CounterSource(c, Hook.TRACEPOINT, "kmem:kmalloc", ""));
        }
        for (Counter c : List.of(Counter.KFREE, Counter.KFREE_MEM)) {
            m.put(c, new CounterSource(c, Hook.TRACEPOINT, "kmem:kfree", ""));
        }
        m.put(Counter.SCHED, new CounterSource(Counter.SCHED, Hook.TRACEPOINT, "sched:sched_switch", ""));
        return m;
    }

    private static void put(Map<Counter, CounterSource> m, Counter c, int hook, String function, String reason) {
        Hook h = switch (hook) {
            case KernelOpsRecords.HOOK_FENTRY -> Hook.FENTRY;
            case KernelOpsRecords.HOOK_KPROBE -> Hook.KPROBE;
            default -> Hook.NONE;
        };
        m.put(c, h == Hook.NONE ? new CounterSource(c, h, "", reason.isEmpty() ? "unknown" : reason)
                : new CounterSource(c, h, function, ""));
    }

    private static void writeInfo(PinnedState state, Map<Counter, CounterSource> sources, String reason) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = KernelOpsStructs.RT_KERNELOPS_INFO.allocate(arena);
            KernelOpsInfoRecord.setUpHook(v, code(sources.get(Counter.UP)));
            KernelOpsInfoRecord.setDownHook(v, code(sources.get(Counter.DOWN)));
            KernelOpsInfoRecord.setLockHook(v, code(sources.get(Counter.LOCK)));
            KernelOpsInfoRecord.setUnlockHook(v, code(sources.get(Counter.UNLOCK)));
            KernelOpsInfoRecord.setLockFunction(v, sources.get(Counter.LOCK).measured() ? sources.get(Counter.LOCK).target() : "");
            KernelOpsInfoRecord.setReason(v, shorten(reason, KernelOpsRecords.REASON_LEN - 1));
            KernelOpsInfoRecord.setReady(v, 1);
            int rc = KernelOpsMaps.of(state).info().update(arena.allocate(ValueLayout.JAVA_INT), v, 0);
            if (rc != 0) throw new NativeException(rc, "cannot write the tracer's info record in " + state.dir());
        }
    }

    private static int code(CounterSource s) {
        return switch (s.hook()) {
            case FENTRY -> KernelOpsRecords.HOOK_FENTRY;
            case KPROBE -> KernelOpsRecords.HOOK_KPROBE;
            default -> KernelOpsRecords.HOOK_NONE;
        };
    }

    private static String shorten(String s, int maxBytes) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length <= maxBytes) return s;
        return new String(b, 0, maxBytes - 3, java.nio.charset.StandardCharsets.UTF_8) + "...";
    }
}
