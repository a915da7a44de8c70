package restracker.cli;

import picocli.CommandLine.Command;
import restracker.kernel.PinnedState;

@Command(name = "unload", description = "Detach every hook and drop all tracking state, quotas and events.")
final class UnloadCommand implements Runnable {
    @Override
    public void run() {
        var dir = PinnedState.configuredDir();
        System.out.println(PinnedState.unload(dir) ? "unloaded " + dir : "nothing loaded at " + dir);
    }
}
