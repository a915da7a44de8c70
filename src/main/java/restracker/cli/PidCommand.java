package restracker.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Parameters;

/** A command about one PID: the operations of the seeds' system calls, and the tracer's add and remove. */
abstract class PidCommand implements ControlCommand {
    @Parameters(paramLabel = "PID", converter = PidArgument.class, index = "0")
    int pid;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public int target() {
        return pid;
    }

    @Override
    public void retarget(int hostPid) {
        pid = hostPid;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    Path pinDir() {
        return Main.pinDir(spec);
    }
}
