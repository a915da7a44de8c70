package restracker.cli;

import picocli.CommandLine.Command;
import restracker.tracker.ResourceTracker;

@Command(name = "reset", description = "Lift the quotas of a tracked PID; its usage keeps counting.")
final class ResetCommand extends PidCommand implements Runnable {
    @Override
    public String change() {
        return "reset";
    }

    @Override
    public void run() {
        try (ResourceTracker t = ResourceTracker.open(pinDir())) {
            t.reset(pid);
            out().println("quotas of " + pid + " lifted");
        }
    }
}
