package restracker.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `restracker help [COMMAND [SUBCOMMAND]]`: the usage of restracker or of one of its commands, on stdout. */
@Command(name = "help", helpCommand = true,
        description = "Print the usage of restracker, or of COMMAND (and SUBCOMMAND), and exit 0.")
final class HelpCommand implements Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..2", description = "e.g. cap, or tracer add.")
    List<String> names = List.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        CommandLine c = spec.root().commandLine();
        for (String name : names) {
            CommandLine sub = c.getSubcommands().get(name);
            if (sub == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown command '" + name + "'"
                        + (c == spec.root().commandLine() ? "" : " of " + c.getCommandSpec().qualifiedName()));
            }
            c = sub;
        }
        c.usage(spec.commandLine().getOut());
    }
}
