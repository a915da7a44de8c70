package restracker.cli;

import java.util.Optional;
import restracker.sys.NativeException;
import restracker.text.Untrusted;

/**
 * How a failed operation is told, the same by the CLI and by the daemon for a control request: one
 * line on stderr, "restracker: SENTENCE [ERRNO (N)]", and the errno as exit status.
 */
record Failure(int status, String line) {
    /** The failure for what an operation threw, or empty for an exception that is a bug (not told as an errno). */
    static Optional<Failure> of(Throwable e) {
        if (e instanceof NativeException ne) {
            return Optional.of(new Failure(ne.rawErrno() > 0 && ne.rawErrno() < 126 ? ne.rawErrno() : 1,
                    "restracker: " + Untrusted.escape(ne.getMessage()) + " [" + ne.errno().label() + "]"));
        }
        if (e instanceof IllegalArgumentException) {
            return Optional.of(new Failure(22, "restracker: " + Untrusted.escape(e.getMessage()) + " [EINVAL (22)]"));
        }
        return Optional.empty();
    }
}
