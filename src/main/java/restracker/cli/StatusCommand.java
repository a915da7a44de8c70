package restracker.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import restracker.control.Operation;
import restracker.control.Request;
import restracker.kernel.PinnedState;
import restracker.text.Untrusted;
import restracker.tracker.EntityStats;
import restracker.tracker.EventLog;
import restracker.tracker.ResourceTracker;
import restracker.tracker.Sizes;
import restracker.tracker.TrackerHooks;

@Command(name = "status", description = "Show what is loaded in the kernel and what is tracked.")
final class StatusCommand implements Runnable, ControlCommand {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Request request() {
        return Request.of(Operation.STATUS);
    }

    @Override
    public void run() {
        Operations.runHere(this, spec);
    }

    /** What is loaded at dir and what it tracks; never loads. */
    static String render(Path dir) {
        StringBuilder out = new StringBuilder();
        Optional<ResourceTracker> tracker = ResourceTracker.openExisting(dir);
        if (tracker.isEmpty()) {
            out.append("the tracker is not loaded (nothing pinned at ").append(dir.resolve("tracker")).append(")\n");
            return out.append(TracerCommand.statusLine(dir)).append('\n').toString();
        }
        try (ResourceTracker t = tracker.get()) {
            PinnedState s = t.state();
            out.append("loaded at " + s.dir() + " by restracker " + s.meta().version() + " (ABI "
                    + s.meta().abiVersion() + ") on " + s.meta().loadedAt()).append('\n');
            out.append("syscall hooks: " + t.hooks().map(h -> h.label() + " (" + describe(h) + ")").orElse("none found")
                    + "; attached now (each only while something needs it): " + attached(s)
                    + "; other links pinned: " + s.links().size() + " (`restracker doctor` names any syscall this kernel lacks)")
                    .append('\n');
            var all = t.list();
            out.append("tracked: ").append(all.size()).append('\n');
            out.append("policies: ").append(new restracker.policy.PolicyTable(t).count()).append(" loaded").append('\n');
            if (!all.isEmpty()) {
                out.append(String.format("%8s %-7s %-16s %12s %6s %12s %6s%n", "PID", "SCOPE", "COMM", "HEAP", "FILES",
                        "HEAP QUOTA", "FILE Q"));
            }
            for (EntityStats e : all) {
                out.append(String.format("%8d %-7s %-16s %12s %6d %12s %6s%n", e.pid(), e.scope().label(),
                        Untrusted.escape(e.comm()), Sizes.format(e.heapBytes()), e.openFiles(),
                        Sizes.format(e.quota().heapBytes()),
                        e.quota().filesLimited() ? Long.toString(e.quota().files()) : "-"));
            }
            EventLog log = t.events();
            out.append("quota kills: " + log.kills() + (log.overwritten() > 0
                    ? " (" + log.overwritten() + " overwritten in the log)" : "")).append('\n');
        }
        return out.append(TracerCommand.statusLine(dir)).append('\n').toString();
    }

    /** "syscall-exit 68 links, syscall-entry none, uid-change none". */
    private static String attached(PinnedState s) {
        List<String> sets = new ArrayList<>();
        for (String set : List.of(TrackerHooks.EXIT_HOOKS, TrackerHooks.ENTRY_HOOKS, TrackerHooks.UID_HOOKS)) {
            sets.add(set + " " + (s.hooksAttached(set) ? s.hookLinks(set).size() + " links" : "none"));
        }
        return String.join(", ", sets);
    }

    static String describe(TrackerHooks h) {
        return switch (h) {
            case FENTRY -> "fentry/fexit on each hooked syscall's __x64_sys_ function";
            case TRACEPOINT -> "the syscalls:sys_enter_/sys_exit_ tracepoints of each hooked syscall";
        };
    }
}
