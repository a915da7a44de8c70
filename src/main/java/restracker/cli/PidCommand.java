package restracker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Parameters;

/** A command about one PID: the tracker's five operations, and the tracer's add and remove. */
abstract class PidCommand implements ControlCommand, Runnable {
    @Parameters(paramLabel = "PID", converter = PidArgument.class, index = "0")
    int pid;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Operations.runHere(this, spec);
    }
}
