package restracker.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * `restracker completion [bash|zsh]`: a shell completion script for every command and option,
 * generated from the same command model as the parser (picocli's AutoComplete). zsh runs the bash
 * script through its bashcompinit, which the script loads itself.
 */
@Command(name = "completion", description = {"Print a completion script for bash or zsh, e.g.",
        "  source <(restracker completion bash)"})
final class CompletionCommand implements Runnable {
    enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", defaultValue = "bash", description = "bash or zsh (default ${DEFAULT-VALUE}).")
    Shell shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        CommandLine all = Main.commandLine(Main.pinDir(spec), new CommandLine.RunLast());
        spec.commandLine().getOut().print(AutoComplete.bash("restracker", all));
        spec.commandLine().getOut().flush();
    }
}
