package restracker.tracker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import restracker.bpf.Features;
import restracker.bpf.ObjectFiles;
import restracker.kernel.Blueprint;
import restracker.kernel.Doctor;
import restracker.kernel.HookedSyscalls;

/**
 * The two ways the tracker hooks every syscall in {@link HookedSyscalls}, at its entry and its
 * exit (tracker.bpf.c has both; the loader keeps one, bpf_program__set_autoload):
 *
 * <ul>
 *   <li>{@link #FENTRY}: fentry and fexit programs on each syscall's {@code __x64_sys_NAME}
 *       function. Needs BPF trampolines (refused on some kernels, e.g. this project's CI VMs).
 *       Syscalls that are not hooked run as if nothing were loaded.</li>
 *   <li>{@link #TRACEPOINT}: the {@code syscalls:sys_enter_NAME} and {@code sys_exit_NAME}
 *       tracepoints. Works wherever tracepoint programs do; any attached syscall tracepoint turns
 *       on the kernel's syscall slow path for every task, hooked syscall or not.</li>
 * </ul>
 *
 * Both hook the same syscalls at the same two points and recount the same kernel figures there,
 * so usage and the syscall at which a quota kills are the same. Which one is preferred where both
 * work was decided by measurement (docs/hook-variants.md; BENCHMARKS.md).
 */
public enum TrackerHooks {
    FENTRY("fentry"), TRACEPOINT("tracepoint");

    /** Where both work, this order was measured to be the cheaper first (docs/hook-variants.md). */
    public static final List<TrackerHooks> DEFAULT_PREFERENCE = List.of(FENTRY, TRACEPOINT);

    /**
     * The tracepoint variant's program at the exit of each syscall that changes the real uid
     * ({@link HookedSyscalls#UID_CHANGES}: a uid policy may select the process from then on); the
     * fentry variant has fexit_NAME on each one's function. Only those syscalls fire them.
     */
    public static final String UID_CHANGE_HOOK = "on_uid_change";

    /*
     * Every hook on a syscall is attached only while something needs it (each costs every task's
     * calls of that syscall, and a tracepoint puts every syscall of every task on the kernel's slow
     * path): the programs are loaded and pinned once, their links made and removed as the tables change.
     */
    /** The hooks at each hooked syscall's entry: only thread entities need them (their figures before the call). */
    public static final String ENTRY_HOOKS = "syscall-entry";
    /** The hooks at each hooked syscall's exit: while any entity is tracked or any policy is loaded. */
    public static final String EXIT_HOOKS = "syscall-exit";
    /** The hooks at the exit of each syscall that changes the real uid: while any policy is loaded. */
    public static final String UID_HOOKS = "uid-change";

    private final String label;

    TrackerHooks(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The hooks of this variant, for the tracker's Blueprint. */
    public Blueprint.Variant variant() {
        return switch (this) {
            case TRACEPOINT -> {
                List<Blueprint.Attachment> tps = new ArrayList<>();
                for (String sc : HookedSyscalls.ALL.keySet()) {
                    tps.add(new Blueprint.Attachment("on_enter", "syscalls", "sys_enter_" + sc, ENTRY_HOOKS));
                    tps.add(new Blueprint.Attachment("on_exit", "syscalls", "sys_exit_" + sc, EXIT_HOOKS));
                }
                for (String sc : HookedSyscalls.UID_CHANGES.keySet()) {
                    tps.add(new Blueprint.Attachment(UID_CHANGE_HOOK, "syscalls", "sys_exit_" + sc, UID_HOOKS));
                }
                yield new Blueprint.Variant(label, List.copyOf(tps), List.of());
            }
            case FENTRY -> {
                List<Blueprint.FunctionHook> fns = new ArrayList<>();
                for (String sc : HookedSyscalls.ALL.keySet()) {
                    fns.add(new Blueprint.FunctionHook("fentry_" + sc, function(sc), ENTRY_HOOKS));
                    fns.add(new Blueprint.FunctionHook("fexit_" + sc, function(sc), EXIT_HOOKS));
                }
                for (String sc : HookedSyscalls.UID_CHANGES.keySet()) {
                    fns.add(new Blueprint.FunctionHook("fexit_" + sc, function(sc), UID_HOOKS));
                }
                yield new Blueprint.Variant(label, List.of(), List.copyOf(fns));
            }
        };
    }

    /** The kernel function behind syscall name on x86-64 (the syscall table calls it). */
    public static String function(String syscall) {
        return "__x64_sys_" + syscall;
    }

    public static Optional<TrackerHooks> of(String label) {
        for (TrackerHooks h : values()) if (h.label.equals(label)) return Optional.of(h);
        return Optional.empty();
    }

    /**
     * For `doctor`: the variant a load here would use, each tried for real (fexit_openat of
     * tracker.bpf.o loaded and attached, then let go), and the variant attached at pinDir if the
     * tracker is loaded there.
     */
    public static Doctor.Finding probe(Path pinDir, List<TrackerHooks> order, String asked) {
        String fentryWhy = "";
        List<String> missing = new ArrayList<>();
        if (order.contains(FENTRY)) {
            fentryWhy = fentryRefused().orElse("");
            if (fentryWhy.isEmpty()) {
                Set<String> present = Features.kernelFunctions(HookedSyscalls.ALL.keySet().stream()
                        .map(TrackerHooks::function).toList());
                for (String sc : HookedSyscalls.ALL.keySet()) if (!present.contains(function(sc))) missing.add(sc);
            }
        }
        Optional<TrackerHooks> chosen = Optional.empty();
        for (TrackerHooks h : order) {
            if (h == TRACEPOINT || fentryWhy.isEmpty()) {
                chosen = Optional.of(h);
                break;
            }
        }
        String loaded = "";
        try {
            loaded = ResourceTracker.openExisting(pinDir).map(t -> {
                try (t) {
                    return "; loaded at " + t.state().dir() + " with " + t.hooks().map(TrackerHooks::label).orElse("no syscall hooks");
                }
            }).orElse("");
        } catch (RuntimeException e) {
            loaded = "; the tracker at " + pinDir + " cannot be read: " + e.getMessage();
        }
        if (chosen.isEmpty()) {
            return new Doctor.Finding("tracker syscall hooks", false, true, "only fentry was asked for" + asked + " and "
                    + fentryWhy + loaded);
        }
        String detail = chosen.get() == FENTRY
                ? "fentry: fentry/fexit on the __x64_sys_ functions of " + (HookedSyscalls.ALL.size() - missing.size())
                        + " of " + HookedSyscalls.ALL.size() + " hooked syscalls"
                        + (missing.isEmpty() ? "" : " (missing: " + String.join(", ", missing) + ")")
                : "tracepoint: the syscalls:sys_enter_/sys_exit_ tracepoints" + (fentryWhy.isEmpty() ? "" : " (" + fentryWhy + ")");
        return new Doctor.Finding("tracker syscall hooks", true, true, detail + asked + loaded);
    }

    /**
     * Why this kernel refuses the fentry variant ("fentry refused: loading an fexit program on
     * __x64_sys_openat fails with EPERM (1)"), tried for real; empty where it allows it.
     */
    public static Optional<String> fentryRefused() {
        Features.ProgramProbe p = Features.tryProgram("tracker.bpf.o", ObjectFiles.read("tracker.bpf.o"), "fexit_openat");
        if (p.ok()) return Optional.empty();
        return Optional.of("fentry refused: " + (p.stage().equals("load") ? "loading" : "attaching")
                + " an fexit program on __x64_sys_openat fails with " + p.errno().label());
    }
}
