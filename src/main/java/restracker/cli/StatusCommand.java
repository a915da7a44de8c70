package restracker.cli;

import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import restracker.kernel.PinnedState;
import picocli.CommandLine.Command;
import restracker.tracker.EntityStats;
import restracker.tracker.EventLog;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerHooks;

@Command(name = "status", description = "Show what is loaded in the kernel and what is tracked.")
final class StatusCommand implements Runnable, ControlCommand {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        var dir = Main.pinDir(spec);
        Optional<ResourceTracker> tracker = ResourceTracker.openExisting(dir);
        if (tracker.isEmpty()) {
            out.println("the tracker is not loaded (nothing pinned at " + dir.resolve("tracker") + ")");
            out.println(TracerCommand.statusLine(dir));
            return;
        }
        try (ResourceTracker t = tracker.get()) {
            PinnedState s = t.state();
            out.println("loaded at " + s.dir() + " by restracker " + s.meta().version() + " (ABI "
                    + s.meta().abiVersion() + ") on " + s.meta().loadedAt());
            out.println("syscall hooks: " + t.hooks().map(h -> h.label() + " (" + describe(h) + ")").orElse("none found")
                    + "; links pinned: " + s.links().size() + " (`restracker doctor` names any syscall this kernel lacks)");
            var all = t.list();
            out.println("tracked: " + all.size());
            if (!all.isEmpty()) {
                out.printf("%8s %-7s %-16s %12s %6s %12s %6s%n", "PID", "SCOPE", "COMM", "HEAP", "FILES",
                        "HEAP QUOTA", "FILE Q");
            }
            for (EntityStats e : all) {
                out.printf("%8d %-7s %-16s %12s %6d %12s %6s%n", e.pid(), e.scope().label(), e.comm(),
                        Sizes.format(e.heapBytes()), e.openFiles(), Sizes.format(e.quota().heapBytes()),
                        e.quota().filesLimited() ? Long.toString(e.quota().files()) : "-");
            }
            EventLog log = t.events();
            out.println("quota kills: " + log.kills() + (log.overwritten() > 0
                    ? " (" + log.overwritten() + " overwritten in the log)" : ""));
        }
        out.println(TracerCommand.statusLine(dir));
    }

    static String describe(TrackerHooks h) {
        return switch (h) {
            case FENTRY -> "fentry/fexit on each hooked syscall's __x64_sys_ function";
            case TRACEPOINT -> "the syscalls:sys_enter_/sys_exit_ tracepoints of each hooked syscall";
        };
    }
}
