package restracker.cli;

import java.nio.file.Path;
import restracker.control.ControlClient;
import restracker.control.Reply;
import restracker.seedabi.Backend;
import restracker.sys.Libc;
import restracker.tracker.Actor;

/**
 * Who performs the calls of a program under `run --seed-abi`: root's `run` itself, as root's
 * commands do ({@link Operations}); another user's through the daemon, which checks what the user
 * may change, as the user's commands do ({@link Forwarding}).
 */
final class SeedAbiBackend {
    private SeedAbiBackend() {}

    static Backend of(Path pinDir) {
        if (ControlClient.needed()) {
            Path socket = Environment.controlSocket();
            return r -> ControlClient.call(socket, r);
        }
        Actor me = new Actor(Libc.geteuid());
        return r -> {
            try {
                return new Reply(0, Operations.perform(r, pinDir, me, true), "");
            } catch (RuntimeException e) {
                Failure f = Failure.of(e).orElseThrow(() -> e);
                return new Reply(f.status(), "", f.line() + "\n");
            }
        };
    }
}
