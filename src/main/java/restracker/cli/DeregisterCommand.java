package restracker.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import restracker.tracker.ResourceTracker;

@Command(name = "deregister", description = "Stop tracking PID (its quotas go with it).")
final class DeregisterCommand implements Runnable {
    @Parameters(paramLabel = "PID", converter = PidArgument.class)
    int pid;

    @Override
    public void run() {
        try (ResourceTracker t = ResourceTracker.open()) {
            t.deregister(pid);
            System.out.println("deregistered " + pid);
        }
    }
}
