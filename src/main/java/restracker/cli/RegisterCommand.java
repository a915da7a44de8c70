package restracker.cli;

import picocli.CommandLine.Model.CommandSpec;
import restracker.control.Operation;
import restracker.control.Request;

final class RegisterCommand extends PidCommand {
    /** How `run` registers its program (a hidden option): usage counts from the process's next exec. */
    boolean fromExec;

    static CommandSpec model() {
        RegisterCommand c = new RegisterCommand();
        return c.model("register", "Start tracking PID: a whole process if PID leads its thread group, else that thread.",
                Models.flag("--from-exec", "", true, v -> c.fromExec = v));
    }

    @Override
    public Request request() {
        return Request.of(Operation.REGISTER, pid).with(Request.FROM_EXEC, fromExec);
    }
}
