package restracker.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import restracker.bpf.BpfMap;
import restracker.bpf.BpfObject;
import restracker.bpf.Features;
import restracker.bpf.ObjectFiles;
import restracker.kernel.Blueprint.EntryHook;
import restracker.kernel.Blueprint.EntryKind;
import restracker.sys.NativeException;

/**
 * Loads BPF objects as their {@link Blueprint} says: the object's variants tried in order (one is
 * used whole), its optional programs kept where the kernel takes them, a {@link Blueprint.Stage}'s
 * entry hooks each by the first kind of program the kernel takes. Every link and map is pinned
 * under the state's directory; a failed load removes the pins it made.
 */
final class Loader {
    private Loader() {}

    /** Loads and pins blueprint's object under dir, by the first of its variants the kernel takes. */
    static void load(Path dir, Blueprint blueprint) {
        byte[] elf = ObjectFiles.read(blueprint.object());
        List<Blueprint.Variant> variants = blueprint.variants();
        if (variants.isEmpty()) {
            loadVariantPreferringAll(dir, blueprint, elf, null);
            return;
        }
        List<String> refused = new ArrayList<>();
        for (int i = 0; ; i++) {
            Blueprint.Variant v = variants.get(i);
            try {
                loadVariantPreferringAll(dir, blueprint, elf, v);
                return;
            } catch (NativeException e) {
                refused.add(v.name() + " refused with " + e.errno().label() + ": " + firstLine(e.getMessage()));
                if (i == variants.size() - 1) {
                    throw new NativeException(e.rawErrno(), "the kernel refused every variant of " + blueprint.name()
                            + "'s hooks that was asked for (" + String.join("; ", refused) + ")");
                }
            }
        }
    }

    /**
     * As {@link #loadVariant} with the blueprint's programs that need kernel functions; where the
     * kernel has those functions but refuses such a program anyway, once more without it (they are
     * what a kernel may add, never what the rest needs).
     */
    private static void loadVariantPreferringAll(Path dir, Blueprint blueprint, byte[] elf, Blueprint.Variant variant) {
        Set<String> without = new HashSet<>();
        for (;;) {
            try {
                loadVariant(dir, blueprint, elf, variant, without);
                return;
            } catch (NativeException e) {
                // The refusal names the program (libbpf's log, or "cannot attach NAME"): again without it.
                List<String> refused = blueprint.programs().stream()
                        .filter(p -> !p.needs().isEmpty() && !without.contains(p.name()) && e.getMessage().contains(p.name()))
                        .map(Blueprint.Program::name).toList();
                if (refused.isEmpty()) throw e;
                without.addAll(refused);
            }
        }
    }

    /**
     * Loads the object with the common attachments and variant's hooks (all programs when variant
     * is null), and the blueprint's programs (those that need kernel functions only where the
     * kernel has them, and not those named in without), attaches and pins them and the maps; on
     * failure removes every pin it made.
     */
    private static void loadVariant(Path dir, Blueprint blueprint, byte[] elf, Blueprint.Variant variant,
            Set<String> without) {
        Path links = dir.resolve("links");
        PinDir.create(dir.getParent(), links);
        try (BpfObject obj = BpfObject.open(blueprint.object(), elf)) {
            List<Blueprint.Attachment> tracepoints = new ArrayList<>(blueprint.attachments());
            List<Blueprint.FunctionHook> functions = List.of();
            Set<String> needed = new HashSet<>();
            blueprint.programs().forEach(p -> needed.addAll(p.needs()));
            Set<String> have = needed.isEmpty() ? Set.of() : Features.kernelFunctions(needed);
            List<Blueprint.Program> programs = blueprint.programs().stream()
                    .filter(p -> p.needs().isEmpty() || (!without.contains(p.name()) && have.containsAll(p.needs()))).toList();
            if (variant != null) {
                tracepoints.addAll(variant.tracepoints());
                Set<String> present = variant.functions().isEmpty() ? Set.of() : Features.kernelFunctions(
                        variant.functions().stream().map(Blueprint.FunctionHook::function).toList());
                // A function this kernel lacks is skipped, as a missing tracepoint is (`doctor` names them).
                functions = variant.functions().stream().filter(f -> present.contains(f.function())).toList();
                Set<String> load = new HashSet<>();
                tracepoints.forEach(a -> load.add(a.program()));
                functions.forEach(f -> load.add(f.program()));
                programs.forEach(p -> load.add(p.name()));
                for (String p : obj.programs()) obj.setAutoload(p, load.contains(p));
            }
            obj.load();
            for (Blueprint.Attachment a : tracepoints) {
                if (!a.onDemand().isEmpty()) continue;
                if (!Mounts.tracepointExists(a.category(), a.event())) continue; // reported by `doctor`
                obj.attachTracepointPinned(a.program(), a.category(), a.event(), links.resolve(a.event()).toString());
            }
            for (Blueprint.FunctionHook f : functions) {
                if (f.onDemand().isEmpty()) obj.attachPinned(f.program(), links.resolve(f.program()).toString());
            }
            if (variant != null) pinOnDemand(dir, obj, variant, tracepoints, functions);
            for (Blueprint.Program p : programs) {
                if (!p.run()) obj.attachPinned(p.name(), links.resolve(p.name()).toString());
            }
            if (programs.stream().anyMatch(Blueprint.Program::run)) {
                Path progs = dir.resolve(OnDemandHooks.PROGRAMS);
                PinDir.create(dir.getParent(), progs);
                for (Blueprint.Program p : programs) if (p.run()) obj.pinProgram(p.name(), progs.resolve(p.name()).toString());
            }
            for (String m : blueprint.mapNames()) obj.pinMap(m, dir.resolve(m).toString());
            obj.pinMap("meta", dir.resolve("meta").toString());
        } catch (RuntimeException e) {
            PinDir.removeContents(dir);
            throw e;
        }
    }

    /**
     * Pins the programs of variant's hooks that are attached on demand under progs/ (those of
     * functions this kernel lacks are left out), after one program of each set was attached and
     * detached: a kernel that loads such programs but refuses to attach them refuses the variant
     * here, at load, where the next variant can be tried, not at the first change that wants them.
     */
    private static void pinOnDemand(Path dir, BpfObject obj, Blueprint.Variant variant,
            List<Blueprint.Attachment> tracepoints, List<Blueprint.FunctionHook> functions) {
        Map<String, String> programs = new LinkedHashMap<>(); // program -> its set
        for (Blueprint.Attachment a : tracepoints) {
            if (!a.onDemand().isEmpty() && Mounts.tracepointExists(a.category(), a.event())) programs.putIfAbsent(a.program(), a.onDemand());
        }
        for (Blueprint.FunctionHook f : functions) if (!f.onDemand().isEmpty()) programs.putIfAbsent(f.program(), f.onDemand());
        if (programs.isEmpty()) return;
        Path progs = dir.resolve(OnDemandHooks.PROGRAMS);
        PinDir.create(dir.getParent(), progs);
        Set<String> tried = new HashSet<>();
        for (var p : programs.entrySet()) if (tried.add(p.getValue())) obj.attachAndDetach(p.getKey());
        for (String p : programs.keySet()) obj.pinProgram(p, progs.resolve(p).toString());
    }

    /**
     * Loads stage onto the maps of the state at dir (the caller holds its lock), its links pinned
     * under links/ after every link there but ownLinks is removed (a half-done stage is redone from
     * scratch). Each entry hook is tried with the kinds in order: an object is loaded with the
     * programs of one kind for the hooks still unattached (and the stage's programs until they are
     * attached); a kind the kernel refuses at load is dropped, a hook it cannot attach is tried
     * with the next kind. The stage's programs are attached with the first object that hooks
     * anything, else with the last kind's (programs that loaded but found nowhere to attach are
     * harmless), else alone. On failure the stage's links are removed.
     */
    static PinnedState.StageLoad loadStage(Path dir, Set<String> ownLinks, Function<String, BpfMap> maps,
            Blueprint.Stage stage, List<EntryKind> kinds) {
        Path links = dir.resolve("links");
        removeLinksBut(links, ownLinks);
        byte[] elf = ObjectFiles.read(stage.object());
        Set<String> present = Features.kernelFunctions(stage.hooks().stream().flatMap(h -> h.functions().stream()).toList());
        Map<EntryHook, String> pending = new LinkedHashMap<>();
        List<String> why = new ArrayList<>();
        for (EntryHook h : stage.hooks()) {
            Optional<String> fn = h.functions().stream().filter(present::contains).findFirst();
            if (fn.isPresent()) pending.put(h, fn.get());
            else why.add("the kernel has no " + String.join(" or ", h.functions()));
        }
        List<EntryKind> tried = new ArrayList<>(new LinkedHashSet<>(kinds));
        tried.add(null); // the stage's programs alone
        Map<String, PinnedState.Hooked> hooked = new LinkedHashMap<>();
        boolean programsAttached = false;
        try {
            for (int i = 0; i < tried.size(); i++) {
                EntryKind kind = tried.get(i);
                if (kind == null ? programsAttached : pending.isEmpty()) continue;
                boolean lastKind = i == tried.size() - 2;
                try (BpfObject obj = BpfObject.open(stage.object(), elf)) {
                    for (String m : stage.sharedMaps()) obj.reuseMap(m, maps.apply(m));
                    for (String p : obj.programs()) obj.setAutoload(p, !programsAttached && stage.programs().containsKey(p));
                    if (kind != null) {
                        for (var t : pending.entrySet()) {
                            obj.setAutoload(kind.program(t.getKey()), true);
                            if (kind == EntryKind.FENTRY) obj.setAttachTarget(kind.program(t.getKey()), t.getValue());
                        }
                    }
                    try {
                        obj.load();
                    } catch (NativeException e) {
                        if (kind == null) throw e;
                        why.add(kind.label() + " refused at load with " + e.errno().label());
                        continue;
                    }
                    int attached = kind == null ? 0 : attachHooks(obj, links, kind, pending, hooked, why);
                    // Nothing hooked: the next kind's object attaches the programs (no reload to leave these out).
                    if (programsAttached || (attached == 0 && kind != null && !lastKind)) continue;
                    for (var p : stage.programs().entrySet()) obj.attachPinned(p.getKey(), links.resolve(p.getValue()).toString());
                    programsAttached = true;
                }
            }
        } catch (RuntimeException e) {
            removeLinksBut(links, ownLinks);
            throw e;
        }
        return new PinnedState.StageLoad(Map.copyOf(hooked), String.join("; ", why));
    }

    /** Attaches kind's program of each pending hook (removing those it attaches); how many it attached. */
    private static int attachHooks(BpfObject obj, Path links, EntryKind kind, Map<EntryHook, String> pending,
            Map<String, PinnedState.Hooked> hooked, List<String> why) {
        Map<String, List<String>> failed = new LinkedHashMap<>();
        int attached = 0;
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
            var t = it.next();
            String program = kind.program(t.getKey());
            String fn = t.getValue();
            String pin = links.resolve(fn).toString();
            try {
                if (kind == EntryKind.FENTRY) obj.attachPinned(program, pin);
                else obj.attachKprobePinned(program, fn, pin);
                hooked.put(t.getKey().name(), new PinnedState.Hooked(kind, fn));
                it.remove();
                attached++;
            } catch (NativeException e) {
                failed.computeIfAbsent(e.errno().label(), k -> new ArrayList<>()).add(fn);
            }
        }
        failed.forEach((errno, fns) -> why.add(kind.label() + " cannot attach to " + String.join(", ", fns) + ": " + errno));
        return attached;
    }

    /** Unpins every link under links but those named keep. */
    private static void removeLinksBut(Path links, Set<String> keep) {
        if (!Files.isDirectory(links)) return;
        try (Stream<Path> s = Files.list(links)) {
            for (Path p : s.toList()) {
                if (!keep.contains(p.getFileName().toString())) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the hooks under " + links, e);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
