package restracker.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import restracker.tracker.ResourceTracker;
import restracker.tracker.Scope;

@Command(name = "register", description = "Start tracking PID: a whole process if PID leads its thread group, else that thread.")
final class RegisterCommand implements Runnable {
    @Parameters(paramLabel = "PID", converter = PidArgument.class)
    int pid;

    @Override
    public void run() {
        try (ResourceTracker t = ResourceTracker.open()) {
            Scope scope = t.register(pid);
            System.out.println("registered " + scope.label() + " " + pid);
        }
    }
}
