package restracker.kernelops;

import restracker.sys.Errno;
import restracker.sys.NativeException;

/** A tracer operation refused with the tracker's error numbers (EINVAL, ESRCH, 23, ENOSPC). */
public final class KernelOpsException extends NativeException {
    public KernelOpsException(Errno errno, String message) {
        super(errno.number(), message);
    }
}
