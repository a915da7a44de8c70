package restracker.cli;

import picocli.CommandLine.Command;
import restracker.control.Operation;
import restracker.control.Request;

@Command(name = "reset", description = "Lift the quotas of a tracked PID; its usage keeps counting.")
final class ResetCommand extends PidCommand {
    @Override
    public Request request() {
        return Request.of(Operation.RESET, pid);
    }
}
