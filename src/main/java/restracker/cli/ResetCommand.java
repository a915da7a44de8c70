package restracker.cli;

import picocli.CommandLine.Model.CommandSpec;
import restracker.control.Operation;
import restracker.control.Request;

final class ResetCommand extends PidCommand {
    static CommandSpec model() {
        return new ResetCommand().model("reset", "Lift the quotas of a tracked PID; its usage keeps counting.");
    }

    @Override
    public Request request() {
        return Request.of(Operation.RESET, pid);
    }
}
