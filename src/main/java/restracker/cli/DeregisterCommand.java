package restracker.cli;

import picocli.CommandLine.Command;
import restracker.tracker.ResourceTracker;

@Command(name = "deregister", description = "Stop tracking PID (its quotas go with it).")
final class DeregisterCommand extends PidCommand implements Runnable {
    @Override
    public String change() {
        return "deregister";
    }

    @Override
    public void run() {
        try (ResourceTracker t = ResourceTracker.open(pinDir())) {
            t.deregister(pid);
            out().println("deregistered " + pid);
        }
    }
}
