package restracker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

@Command(name = "cap", description = "Set the quotas of a tracked PID; usage above one (now or later) is SIGKILLed.")
final class CapCommand extends PidCommand implements Runnable {
    @Mixin
    QuotaOptions options;

    @Option(names = "--replace", description = "Replace quotas already set (otherwise refused with 23).")
    boolean replace;

    @Override
    public String change() {
        return "cap";
    }

    @Override
    public void run() {
        if (!options.any()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --heap SIZE, --files N, or both");
        }
        Quota q = options.quota();
        try (ResourceTracker t = ResourceTracker.open(pinDir())) {
            t.cap(pid, q, replace);
            out().println("quotas of " + pid + ": heap " + Sizes.format(q.heapBytes()) + ", files "
                    + (q.filesLimited() ? q.files() : "unlimited"));
        }
    }
}
