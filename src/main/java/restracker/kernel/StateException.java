package restracker.kernel;

import restracker.sys.Errno;
import restracker.sys.NativeException;

/** The pinned state is missing, incomplete, or from an incompatible restracker. */
public final class StateException extends NativeException {
    public StateException(Errno errno, String message) {
        super(errno.number(), message);
    }
}
