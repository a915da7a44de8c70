package restracker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import restracker.kernel.PinnedState;

@Command(name = "unload", description = "Detach every hook and drop all tracking state, quotas and events.")
final class UnloadCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        var dir = Main.pinDir(spec);
        spec.commandLine().getOut().println(PinnedState.unload(dir) ? "unloaded " + dir : "nothing loaded at " + dir);
    }
}
