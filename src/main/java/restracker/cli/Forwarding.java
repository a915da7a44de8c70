package restracker.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import restracker.control.ControlClient;
import restracker.control.Reply;
import restracker.control.Request;

/**
 * How the CLI runs for a user other than root: the command line is parsed here, as the user; a
 * {@link ControlCommand}'s typed request goes to the daemon's control socket and its answer is
 * printed as if it ran here; any other command runs here (and says so when it needs root). Usage
 * errors never leave this process.
 */
final class Forwarding implements CommandLine.IExecutionStrategy {
    private final Path socket;

    Forwarding(Path socket) {
        this.socket = socket;
    }

    @Override
    public int execute(CommandLine.ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) return help;
        CommandLine leaf = Main.leaf(parsed);
        if (!(leaf.getCommand() instanceof ControlCommand command)) return new CommandLine.RunLast().execute(parsed);
        Request request = command.request(); // a usage error is told here, by picocli's handler
        Reply reply;
        try {
            reply = ControlClient.call(socket, request);
        } catch (RuntimeException e) {
            throw new CommandLine.ExecutionException(leaf, e.getMessage(), e);
        }
        leaf.getOut().print(reply.out());
        leaf.getOut().flush();
        leaf.getErr().print(reply.err());
        leaf.getErr().flush();
        return reply.status();
    }
}
