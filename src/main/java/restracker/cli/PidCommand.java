package restracker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;

/**
 * A command about one PID: the tracker's five operations, and the tracer's add and remove. Those
 * a call names most (fetch, register, deregister, reset) build their model with {@link #model}
 * instead of being read by reflection from annotations; the others are annotated.
 */
abstract class PidCommand implements ControlCommand, Runnable {
    @Parameters(paramLabel = "PID", converter = PidArgument.class, index = "0")
    int pid;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** This command's model: name, description, the PID parameter, options. */
    final CommandSpec model(String name, String description, OptionSpec... options) {
        spec = Models.command(this, name, description);
        spec.addPositional(Models.pid(this));
        for (OptionSpec o : options) spec.addOption(o);
        return spec;
    }

    @Override
    public void run() {
        Operations.runHere(this, spec);
    }
}
