package restracker.tracer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import restracker.bpf.BpfObject;
import restracker.bpf.Features;
import restracker.bpf.NativeException;
import restracker.bpf.ObjectFiles;
import restracker.kernel.Blueprint;
import restracker.kernel.DirLock;
import restracker.kernel.PinnedState;
import restracker.tracer.CounterSource.Hook;

/**
 * The tracer's second stage: tracer_hooks.bpf.o loaded onto the maps that the tracer's Blueprint
 * pinned, its links pinned beside the exit hook's (tracer/links/), and the outcome recorded in
 * the pinned `info` record, written last so that an interrupted load is recognised and redone.
 *
 * <p>The kmalloc, kfree and sched_switch hooks are raw tracepoint programs. The lock counters need a hook
 * on a kernel function: fentry is tried first, then kprobes; a variant the kernel refuses is left
 * out of the object (autoload off) and the object is loaded again without it. Where neither
 * works the counters are recorded as not measured, with the reason.
 */
final class TracerHooks {
    static final String OBJECT = "tracer_hooks.bpf.o";
    private static final List<String> SHARED_MAPS = List.of("traced", "allocs", "state");

    /** raw tracepoint program -> link name. */
    private static final Map<String, String> TRACEPOINTS = Map.of("on_kmalloc", "kmalloc", "on_kfree", "kfree",
            "on_sched_switch", "sched_switch");

    /** A lock counter: its programs are fentry_NAME and kprobe_NAME; the first function the kernel has wins. */
    private record FunctionHook(Counter counter, String name, List<String> functions) {}

    private static final List<FunctionHook> FUNCTIONS = List.of(
            new FunctionHook(Counter.UP, "up", List.of("up")),
            new FunctionHook(Counter.DOWN, "down", List.of("down_interruptible")),
            // CONFIG_DEBUG_LOCK_ALLOC turns mutex_lock into a macro for mutex_lock_nested(lock, 0).
            new FunctionHook(Counter.LOCK, "lock", List.of("mutex_lock", "mutex_lock_nested")),
            new FunctionHook(Counter.UNLOCK, "unlock", List.of("mutex_unlock")));

    static final List<Hook> DEFAULT_PREFERENCE = List.of(Hook.FENTRY, Hook.KPROBE);

    private TracerHooks() {}

    /**
     * The sources recorded in the pinned state, loading the hooks first if they are not (all)
     * there, the lock counters' variants tried in the order of lockHooks.
     */
    static Map<Counter, CounterSource> ensureLoaded(PinnedState state, Blueprint blueprint, List<Hook> lockHooks) {
        Optional<Map<Counter, CounterSource>> sources = read(state);
        if (sources.isPresent()) return sources.get();
        try (DirLock lock = state.lock()) {
            sources = read(state);
            if (sources.isPresent()) return sources.get();
            removeHookLinks(state.dir().resolve("links"), blueprint);
            return load(state, blueprint, lockHooks);
        }
    }

    /** What the info record says, or empty while the hooks are not completely set up. */
    static Optional<Map<Counter, CounterSource>> read(PinnedState state) {
        var in = TracerRecords.INFO;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = in.allocate(arena);
            if (!state.map("info").lookup(arena.allocate(ValueLayout.JAVA_INT), v) || in.getInt(v, "ready") != 1) {
                return Optional.empty();
            }
            String reason = in.getString(v, "reason", TracerRecords.REASON_LEN);
            Map<Counter, CounterSource> m = tracepointSources();
            put(m, Counter.UP, in.getInt(v, "up_hook"), "up", reason);
            put(m, Counter.DOWN, in.getInt(v, "down_hook"), "down_interruptible", reason);
            put(m, Counter.LOCK, in.getInt(v, "lock_hook"),
                    in.getString(v, "lock_function", TracerRecords.FUNCTION_LEN), reason);
            put(m, Counter.UNLOCK, in.getInt(v, "unlock_hook"), "mutex_unlock", reason);
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
            case TracerRecords.HOOK_FENTRY -> Hook.FENTRY;
            case TracerRecords.HOOK_KPROBE -> Hook.KPROBE;
            default -> Hook.NONE;
        };
        m.put(c, h == Hook.NONE ? new CounterSource(c, h, "", reason.isEmpty() ? "unknown" : reason)
                : new CounterSource(c, h, function, ""));
    }

    /** Loads and attaches the hooks (the caller holds the lock); returns what each counter uses. */
    private static Map<Counter, CounterSource> load(PinnedState state, Blueprint blueprint, List<Hook> lockHooks) {
        byte[] elf = ObjectFiles.read(OBJECT);
        Path links = state.dir().resolve("links");
        Set<String> present = Features.kernelFunctions(FUNCTIONS.stream().flatMap(f -> f.functions().stream()).toList());
        Map<FunctionHook, String> targets = new java.util.LinkedHashMap<>();
        List<String> why = new ArrayList<>();
        for (FunctionHook f : FUNCTIONS) {
            Optional<String> fn = f.functions().stream().filter(present::contains).findFirst();
            if (fn.isPresent()) targets.put(f, fn.get());
            else why.add("the kernel has no " + String.join(" or ", f.functions()));
        }
        if (lockHooks.isEmpty()) why.add("no function hooks were asked for (RESTRACKER_LOCK_HOOKS)");
        List<Hook> variants = new ArrayList<>(new java.util.LinkedHashSet<>(lockHooks));
        variants.remove(Hook.NONE);
        variants.add(Hook.NONE);
        for (int i = 0; i < variants.size(); i++) {
            Hook variant = variants.get(i);
            boolean last = i == variants.size() - 2; // the last one with function hooks
            if (variant != Hook.NONE && targets.isEmpty()) continue;
            try (BpfObject obj = BpfObject.open(OBJECT, elf)) {
                for (String map : SHARED_MAPS) obj.reuseMap(map, state.map(map));
                for (String p : obj.programs()) obj.setAutoload(p, TRACEPOINTS.containsKey(p));
                if (variant != Hook.NONE) {
                    for (var t : targets.entrySet()) {
                        String program = program(variant, t.getKey());
                        obj.setAutoload(program, true);
                        if (variant == Hook.FENTRY) obj.setAttachTarget(program, t.getValue());
                    }
                }
                try {
                    obj.load();
                } catch (NativeException e) {
                    if (variant == Hook.NONE) throw e;
                    why.add(variant.label() + " refused at load with " + e.errno().label());
                    continue;
                }
                Map<Counter, CounterSource> sources = tracepointSources();
                try {
                    if (variant != Hook.NONE) {
                        Map<String, List<String>> failed = new java.util.LinkedHashMap<>();
                        for (var t : targets.entrySet()) {
                            Counter c = t.getKey().counter();
                            String fn = t.getValue();
                            String pin = links.resolve(fn).toString();
                            try {
                                if (variant == Hook.FENTRY) obj.attachPinned(program(variant, t.getKey()), pin);
                                else obj.attachKprobePinned(program(variant, t.getKey()), fn, pin);
                                sources.put(c, new CounterSource(c, variant, fn, ""));
                            } catch (NativeException e) {
                                failed.computeIfAbsent(e.errno().label(), k -> new ArrayList<>()).add(fn);
                            }
                        }
                        failed.forEach((errno, fns) ->
                                why.add(variant.label() + " cannot attach to " + String.join(", ", fns) + ": " + errno));
                        boolean none = sources.keySet().stream().noneMatch(Counter::needsFunctionHook);
                        // Programs that loaded but found nowhere to attach are harmless: the last variant's
                        // object is kept (no reload just to leave them out).
                        if (none && !last) continue;
                    }
                    for (var tp : TRACEPOINTS.entrySet()) obj.attachPinned(tp.getKey(), links.resolve(tp.getValue()).toString());
                } catch (RuntimeException e) {
                    removeHookLinks(links, blueprint);
                    throw e;
                }
                String reason = String.join("; ", why);
                for (FunctionHook f : FUNCTIONS) {
                    sources.computeIfAbsent(f.counter(), c -> new CounterSource(c, Hook.NONE, "", reason));
                }
                writeInfo(state, sources, reason);
                return sources;
            }
        }
        throw new IllegalStateException("unreachable: the variant without function hooks either loads or throws");
    }

    private static String program(Hook variant, FunctionHook f) {
        return (variant == Hook.FENTRY ? "fentry_" : "kprobe_") + f.name();
    }

    private static void writeInfo(PinnedState state, Map<Counter, CounterSource> sources, String reason) {
        var in = TracerRecords.INFO;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = in.allocate(arena);
            in.setInt(v, "up_hook", code(sources.get(Counter.UP)));
            in.setInt(v, "down_hook", code(sources.get(Counter.DOWN)));
            in.setInt(v, "lock_hook", code(sources.get(Counter.LOCK)));
            in.setInt(v, "unlock_hook", code(sources.get(Counter.UNLOCK)));
            in.setString(v, "lock_function", TracerRecords.FUNCTION_LEN,
                    sources.get(Counter.LOCK).measured() ? sources.get(Counter.LOCK).target() : "");
            in.setString(v, "reason", TracerRecords.REASON_LEN, shorten(reason, TracerRecords.REASON_LEN - 1));
            in.setInt(v, "ready", 1);
            int rc = state.map("info").update(arena.allocate(ValueLayout.JAVA_INT), v, 0);
            if (rc != 0) throw new NativeException(rc, "cannot write the tracer's info record in " + state.dir());
        }
    }

    private static int code(CounterSource s) {
        return switch (s.hook()) {
            case FENTRY -> TracerRecords.HOOK_FENTRY;
            case KPROBE -> TracerRecords.HOOK_KPROBE;
            default -> TracerRecords.HOOK_NONE;
        };
    }

    private static String shorten(String s, int maxBytes) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length <= maxBytes) return s;
        return new String(b, 0, maxBytes - 3, java.nio.charset.StandardCharsets.UTF_8) + "...";
    }

    /** Unpins every link but the Blueprint's own (a half-done hook load is redone from scratch). */
    private static void removeHookLinks(Path links, Blueprint blueprint) {
        Set<String> keep = blueprint.attachments().stream().map(Blueprint.Attachment::event).collect(Collectors.toSet());
        if (!Files.isDirectory(links)) return;
        try (Stream<Path> s = Files.list(links)) {
            for (Path p : s.toList()) {
                if (!keep.contains(p.getFileName().toString())) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the tracer's hooks under " + links, e);
        }
    }
}
