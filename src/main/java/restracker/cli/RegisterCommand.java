package restracker.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import restracker.tracker.ResourceTracker;
import restracker.tracker.Scope;

@Command(name = "register", description = "Start tracking PID: a whole process if PID leads its thread group, else that thread.")
final class RegisterCommand extends PidCommand implements Runnable {
    /** How `run` registers its program: usage counts from the process's next exec. */
    @Option(names = "--from-exec", hidden = true)
    boolean fromExec;

    @Override
    public String change() {
        return "register";
    }

    @Override
    public void run() {
        try (ResourceTracker t = ResourceTracker.open(pinDir())) {
            Scope scope = t.register(pid, fromExec);
            out().println("registered " + scope.label() + " " + pid);
        }
    }
}
