package restracker.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import restracker.bpf.Errno;
import restracker.bpf.NativeException;
import restracker.control.Caller;
import restracker.control.ControlServer;
import restracker.control.Ownership;
import restracker.control.Reply;
import restracker.control.Request;

/**
 * The daemon's side of {@link Forwarding}: parses a caller's command line exactly as the CLI does,
 * runs it only if it is a {@link ControlCommand}, on the task the caller's pidfd names, and only if
 * the caller may change that task ({@link Ownership}) when the command changes anything. Output and
 * exit status go back as the CLI would have printed and returned them.
 */
public final class ControlHandler implements ControlServer.Handler {
    private final Path pinDir;

    public ControlHandler(Path pinDir) {
        this.pinDir = pinDir;
    }

    @Override
    public Reply handle(Caller caller, Request request) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] args = request.argv().toArray(String[]::new);
        CommandLine cli = Main.commandLine(pinDir, parsed -> run(caller, request, parsed), args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        return new Reply(status, out.toString(), err.toString());
    }

    private static int run(Caller caller, Request request, CommandLine.ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) return help;
        CommandLine leaf = Main.leaf(parsed);
        try {
            if (!(leaf.getCommand() instanceof ControlCommand command)) {
                throw new NativeException(Errno.EPERM.number(), "`" + leaf.getCommandSpec().qualifiedName()
                        + "` needs root: it is not one of the commands the daemon runs for other users");
            }
            if (command.target() != request.pid()) {
                throw new NativeException(Errno.EINVAL.number(), "malformed control request: it names pid "
                        + request.pid() + " but its command line names " + command.target());
            }
            if (command.target() >= 1) {
                if (caller.targetPid() < 1) {
                    throw new NativeException(Errno.ESRCH.number(), "pid " + command.target()
                            + ": no such process in the caller's pid namespace");
                }
                command.retarget(caller.targetPid());
            }
            if (command.change() != null) {
                // A pid below 1 is refused by the operation itself (EINVAL) before anything changes.
                if (command.target() >= 1) Ownership.requireMayChange(caller, command.change());
                else if (command.target() == 0 && !caller.isRoot()) {
                    throw new NativeException(Errno.EPERM.number(), "`" + leaf.getCommandSpec().qualifiedName() + "` needs root");
                }
            }
        } catch (NativeException e) {
            throw new CommandLine.ExecutionException(leaf, e.getMessage(), e);
        }
        return new CommandLine.RunLast().execute(parsed);
    }
}
