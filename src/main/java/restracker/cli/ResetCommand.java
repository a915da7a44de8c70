package restracker.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import restracker.tracker.ResourceTracker;

@Command(name = "reset", description = "Lift the quotas of a tracked PID; its usage keeps counting.")
final class ResetCommand implements Runnable {
    @Parameters(paramLabel = "PID", converter = PidArgument.class)
    int pid;

    @Override
    public void run() {
        try (ResourceTracker t = ResourceTracker.open()) {
            t.reset(pid);
            System.out.println("quotas of " + pid + " lifted");
        }
    }
}
