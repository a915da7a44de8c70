package restracker.sys;

import static restracker.sys.Native.LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/** What a pidfd says of its task (see {@link Libc#pidfdOpen}). */
public final class Pidfds {
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final Native.Lazy SYSCALL = Native.lazy(() -> Native.variadicWithErrno(Native.LIBC, "syscall",
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG, LONG), 1));

    private Pidfds() {}

    /**
     * Whether pidfd's task is still alive, or at least not yet reaped (a zombie still holds its pid):
     * pidfd_send_signal(pidfd, 0, NULL, 0), which delivers nothing. False when it is gone (ESRCH)
     * or pidfd is not a pidfd at all (EBADF); EPERM (alive, not ours to signal) is alive.
     */
    public static boolean alive(int pidfd) {
        if (pidfd < 0) return false;
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            long rc = (long) SYSCALL.get().invokeExact(err, SYS_PIDFD_SEND_SIGNAL, (long) pidfd, 0L, 0L, 0L);
            return rc == 0 || Native.errno(err) == Errno.EPERM.number();
        });
    }
}
