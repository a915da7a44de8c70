package restracker.kernel;

import java.util.AbstractList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What one BPF object pins: its maps (the meta record included) and the hooks its programs
 * attach to, under its own sub-directory of the pin directory.
 *
 * @param name the sub-directory, e.g. "tracker"
 * @param object the object file the jar carries under /bpf/
 * @param abiVersion the layout version its meta record must show
 * @param maps the record of the maps to pin (besides "meta"): one BpfMap component per map, named
 *     as the object names it in camelCase (see {@link MapRecord}); {@link PinnedState#maps} gives it
 *     with each map opened
 * @param attachments program to tracepoint, attached in every variant; a tracepoint this kernel
 *     lacks is skipped
 * @param variants alternative sets of hooks, in order of preference: the first the kernel loads
 *     and attaches is used, the programs of the others are left out (autoload off). Empty: the
 *     object's programs are all loaded and only the attachments are made.
 * @param programs programs attached where their SEC() says (tp_btf, iter), in every variant, each
 *     pinned under links/ by its own name
 */
public record Blueprint(String name, String object, int abiVersion, Class<? extends Record> maps, List<Attachment> attachments,
        List<Variant> variants, List<Program> programs) {

    public Blueprint(String name, String object, int abiVersion, Class<? extends Record> maps, List<Attachment> attachments) {
        this(name, object, abiVersion, maps, attachments, List.of(), List.of());
    }

    /**
     * A list of the variants {@code make} returns, called at the list's first use (and kept): a
     * blueprint that only opens the pinned state to read it, as most CLI calls do, never looks at
     * its variants, and listing their hooks may take reading and parsing a file (the tracker's:
     * one per hooked syscall).
     */
    public static List<Variant> variantsOnFirstUse(Supplier<List<Variant>> make) {
        return new OnFirstUse<>(make);
    }

    private static final class OnFirstUse<T> extends AbstractList<T> implements RandomAccess {
        private final Supplier<List<T>> make;
        private List<T> list;

        OnFirstUse(Supplier<List<T>> make) {
            this.make = make;
        }

        private synchronized List<T> list() {
            if (list == null) list = List.copyOf(make.get());
            return list;
        }

        @Override
        public T get(int index) {
            return list().get(index);
        }

        @Override
        public int size() {
            return list().size();
        }
    }

    /** The names of the maps to pin (besides "meta"), as the object names them. */
    public List<String> mapNames() {
        return MapRecord.names(maps);
    }

    /**
     * A program on a tracepoint.
     *
     * @param onDemand the set of hooks it belongs to: its program is pinned under progs/ at load and
     *     attached only while the set is wanted ({@link PinnedState#setHooks}); "" when it is always attached
     */
    public record Attachment(String program, String category, String event, String onDemand) {
        public Attachment(String program, String category, String event) {
            this(program, category, event, "");
        }
    }

    /**
     * A program attached where its SEC() says (its link pinned under links/), or with run one that
     * is not attached but pinned under progs/ for user space to run ({@link PinnedState#runProgram});
     * loaded only where the kernel's BTF has every function it needs (the kfuncs it calls), and
     * where the kernel takes it if it needs any; elsewhere it is left out (autoload off).
     */
    public record Program(String name, List<String> needs, boolean run) {
        /** A program attached where its SEC() says. */
        public Program(String name, List<String> needs) {
            this(name, needs, false);
        }
    }

    /**
     * A program attached where its SEC() says (fentry/fexit), to a kernel function that may be
     * missing from a kernel: then it is left out, as a missing tracepoint is.
     */
    public record FunctionHook(String program, String function, String onDemand) {
        public FunctionHook(String program, String function) {
            this(program, function, "");
        }
    }

    /**
     * One way of hooking: its tracepoints and function hooks. A variant is used whole or not at
     * all: if one of its programs is refused, the next variant is tried.
     *
     * @param name what `status` and `doctor` call it, e.g. "fentry"
     */
    public record Variant(String name, List<Attachment> tracepoints, List<FunctionHook> functions) {

        /** The variant's programs, each once. */
        public List<String> programs() {
            return java.util.stream.Stream.concat(tracepoints.stream().map(Attachment::program),
                    functions.stream().map(FunctionHook::program)).distinct().toList();
        }

        /** The programs pinned under progs/ to be attached on demand, each once. */
        public List<String> onDemandPrograms() {
            return java.util.stream.Stream.concat(
                    tracepoints.stream().filter(a -> !a.onDemand().isEmpty()).map(Attachment::program),
                    functions.stream().filter(f -> !f.onDemand().isEmpty()).map(FunctionHook::program)).distinct().toList();
        }

        /** The names of the sets of hooks attached on demand, each once, in the order they appear. */
        public List<String> onDemandSets() {
            return java.util.stream.Stream.concat(tracepoints.stream().map(Attachment::onDemand),
                    functions.stream().map(FunctionHook::onDemand)).filter(n -> !n.isEmpty()).distinct().toList();
        }
    }

    /** The kinds of program that hook the entry of a kernel function, as a {@link Stage} tries them. */
    public enum EntryKind {
        FENTRY, KPROBE;

        /** "fentry", "kprobe". */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The program of this kind for hook: fentry_NAME, kprobe_NAME. */
        public String program(EntryHook hook) {
            return label() + "_" + hook.name();
        }
    }

    /**
     * A hook on the entry of the first of functions this kernel has (when it has none, the hook is
     * left out), by the programs fentry_NAME and kprobe_NAME; its link is pinned under the
     * function's name.
     */
    public record EntryHook(String name, List<String> functions) {}

    /**
     * A second object loaded onto a pinned state: it uses the state's maps (sharedMaps) instead of
     * creating its own, and its links are pinned beside the state's under links/ (see
     * {@link PinnedState#loadStage}). Each entry hook gets the first kind of program, in the order
     * asked for, that the kernel loads and attaches; one refused everywhere is left out, with the
     * reason.
     *
     * @param programs program to the name its link is pinned under: attached where its SEC() says,
     *     always (a refusal fails the stage)
     */
    public record Stage(String object, List<String> sharedMaps, Map<String, String> programs, List<EntryHook> hooks) {}

    /** The names of the links this blueprint pins under links/ at load (in any of its variants). */
    public Set<String> linkNames() {
        return Stream.of(attachments.stream().map(Attachment::event), programs.stream().filter(p -> !p.run()).map(Program::name),
                variants.stream().flatMap(v -> v.tracepoints().stream().filter(a -> a.onDemand().isEmpty())
                        .map(Attachment::event)),
                variants.stream().flatMap(v -> v.functions().stream().filter(f -> f.onDemand().isEmpty())
                        .map(FunctionHook::program)))
                .flatMap(s -> s).collect(Collectors.toSet());
    }

    /** The same object with only the given variants, in that order. */
    public Blueprint withVariants(List<Variant> chosen) {
        return new Blueprint(name, object, abiVersion, maps, attachments, List.copyOf(chosen), programs);
    }
}
