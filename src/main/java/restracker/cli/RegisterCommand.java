package restracker.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import restracker.control.Operation;
import restracker.control.Request;

@Command(name = "register", description = "Start tracking PID: a whole process if PID leads its thread group, else that thread.")
final class RegisterCommand extends PidCommand {
    /** How `run` registers its program: usage counts from the process's next exec. */
    @Option(names = "--from-exec", hidden = true)
    boolean fromExec;

    @Override
    public Request request() {
        return Request.of(Operation.REGISTER, pid).with(Request.FROM_EXEC, fromExec);
    }
}
