package restracker.cli;

import picocli.CommandLine.Command;
import restracker.control.Operation;
import restracker.control.Request;

@Command(name = "deregister", description = "Stop tracking PID (its quotas go with it).")
final class DeregisterCommand extends PidCommand {
    @Override
    public Request request() {
        return Request.of(Operation.DEREGISTER, pid);
    }
}
