package restracker.tracer;

import restracker.bpf.Errno;
import restracker.bpf.NativeException;

/** A tracer operation refused with the tracker's error numbers (EINVAL, ESRCH, 23, ENOSPC). */
public final class TracerException extends NativeException {
    public TracerException(Errno errno, String message) {
        super(errno.number(), message);
    }
}
