package restracker.cli;

import java.nio.file.Path;
import restracker.control.Caller;
import restracker.control.ControlServer;
import restracker.control.Ownership;
import restracker.control.Reply;
import restracker.control.Request;
import restracker.sys.Errno;
import restracker.sys.NativeException;
import restracker.tracker.Actor;

/**
 * The daemon's side of {@link Forwarding}: performs a caller's typed request, on the task the
 * caller's pidfd names, only if the caller may change that task ({@link Ownership}) when the
 * operation changes anything, and on behalf of the caller's uid. Nothing a caller sends is parsed
 * as a command line, and only root's requests may load the kernel side. The answer is what root's
 * own command prints and returns ({@link Operations}, {@link Failure}).
 */
public final class ControlHandler implements ControlServer.Handler {
    private final Path pinDir;

    public ControlHandler(Path pinDir) {
        this.pinDir = pinDir;
    }

    @Override
    public Reply handle(Caller caller, Request request) {
        try {
            Request r = request;
            if (r.operation().namesPid() && r.pid() >= 1) {
                if (caller.targetPid() < 1) {
                    throw new NativeException(Errno.ESRCH.number(), "pid " + r.pid()
                            + ": no such process in the caller's pid namespace");
                }
                r = r.withPid(caller.targetPid());
            }
            // A pid below 1 is refused by the operation itself (EINVAL) before anything changes.
            if (r.operation().change() != null && r.pid() >= 1) Ownership.requireMayChange(caller, r.operation().change());
            return new Reply(0, Operations.perform(r, pinDir, new Actor(caller.peer().uid()), caller.isRoot()), "");
        } catch (RuntimeException e) {
            Failure f = Failure.of(e).orElseThrow(() -> e);
            return new Reply(f.status(), "", f.line() + "\n");
        }
    }
}
