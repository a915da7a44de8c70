package restracker.tracker;

import restracker.sys.Errno;
import restracker.sys.NativeException;

/** An operation refused with one of the error numbers of the system calls restracker replaces. */
public final class TrackerException extends NativeException {
    public TrackerException(Errno errno, String message) {
        super(errno.number(), message);
    }
}
