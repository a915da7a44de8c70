package restracker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import restracker.bpf.NativeException;
import restracker.kernel.PinnedState;

/**
 * The `restracker` command. Each subcommand is one call into the Java API, like a system call:
 * it opens the pinned state, does its work and exits with 0, the errno of the failure, or 2 for a
 * usage error. Errors are one sentence on stderr.
 */
@Command(name = "restracker", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Per-process heap and open-file tracking with quotas enforced in the kernel.",
        subcommands = {RegisterCommand.class, FetchCommand.class, DeregisterCommand.class, CapCommand.class,
                ResetCommand.class, RunCommand.class, EventsCommand.class, TracerCommand.class, StatusCommand.class,
                UnloadCommand.class, DoctorCommand.class, DaemonCommand.class, TopCommand.class})
public final class Main implements Runnable {
    static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit status (used by tests in-process too). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("restracker: " + oneLine(ex.getMessage()));
            ex.getCommandLine().getErr().println("Try 'restracker " + ex.getCommandLine().getCommandName()
                    + " --help' for more information.");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof NativeException ne) {
                c.getErr().println("restracker: " + oneLine(ne.getMessage()) + " [" + ne.errno().label() + "]");
                return ne.rawErrno() > 0 && ne.rawErrno() < 126 ? ne.rawErrno() : 1;
            }
            if (ex instanceof IllegalArgumentException) {
                c.getErr().println("restracker: " + oneLine(ex.getMessage()) + " [EINVAL (22)]");
                return 22;
            }
            throw ex;
        });
        return cli.execute(args);
    }

    /**
     * Messages quote what the user typed: control characters in it are escaped, so that an error
     * stays one line and cannot drive the terminal (an argument holding a newline or an ESC).
     */
    static String oneLine(String message) {
        if (message == null) return "";
        StringBuilder b = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (c == '\t') b.append("\\t");
            else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"restracker " + PinnedState.VERSION};
        }
    }
}
