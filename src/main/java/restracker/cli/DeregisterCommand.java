package restracker.cli;

import picocli.CommandLine.Model.CommandSpec;
import restracker.control.Operation;
import restracker.control.Request;

final class DeregisterCommand extends PidCommand {
    static CommandSpec model() {
        return new DeregisterCommand().model("deregister", "Stop tracking PID (its quotas go with it).");
    }

    @Override
    public Request request() {
        return Request.of(Operation.DEREGISTER, pid);
    }
}
