package restracker.tracker;

import restracker.bpf.Errno;
import restracker.bpf.NativeException;

/** An operation refused with one of the seeds' error numbers (DESIGN.md §3). */
public final class TrackerException extends NativeException {
    public TrackerException(Errno errno, String message) {
        super(errno.number(), message);
    }
}
