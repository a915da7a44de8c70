package restracker.sys;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * A seccomp user-notification listener (seccomp_unotify(2)): the supervisor's side of a filter that
 * answers SECCOMP_RET_USER_NOTIF. Receives the calls the filter stopped, answers them with a value
 * or an errno, lets them continue as the kernel would run them, or installs a descriptor in the
 * caller. The descriptor is closed with {@link #close}.
 * The structs of these calls are {@link SeccompStructs}.
 */
public final class SeccompListener implements AutoCloseable {
    // linux/seccomp.h (checked against the header by SeccompListenerLayoutTest)
    static final long NOTIF_RECV = 0xc0502100L, NOTIF_SEND = 0xc0182101L;
    static final long NOTIF_ID_VALID = 0x40082102L, NOTIF_ADDFD = 0x40182103L;
    private static final int USER_NOTIF_FLAG_CONTINUE = 1;
    private static final int ADDFD_FLAG_SEND = 2;
    private static final short POLLIN = 1, POLLHUP = 0x10;
    private static final int ENOENT = 2, EINTR = 4;
    private static final long SYS_PIDFD_GETFD = 438;

    private static final Native.Lazy IOCTL = Native.lazy(() -> Native.variadicWithErrno(Native.LIBC, "ioctl",
            FunctionDescriptor.of(INT, INT, LONG, PTR), 2));
    private static final Native.Lazy POLL = Native.lazy(() -> Native.withErrno(Native.LIBC, "poll",
            FunctionDescriptor.of(INT, PTR, LONG, INT)));
    private static final Native.Lazy SYSCALL = Native.lazy(() -> Native.variadicWithErrno(Native.LIBC, "syscall",
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG), 1));

    /** A call the filter stopped: its id, the calling thread (in this pid namespace), nr, args. */
    public record Notification(long id, int pid, int nr, int arch, long[] args) {}

    private final int fd;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private SeccompListener(int fd) {
        this.fd = fd;
    }

    /** Takes descriptor targetFd of the (stopped) process pidfd names: pidfd_getfd(2). */
    public static SeccompListener takeFrom(int pidfd, int targetFd) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            long got = (long) SYSCALL.get().invokeExact(err, SYS_PIDFD_GETFD, (long) pidfd, (long) targetFd, 0L);
            if (got < 0) throw new NativeException(Native.errno(err), "cannot take the seccomp listener of the program");
            return new SeccompListener((int) got);
        });
    }

    /**
     * Waits up to timeoutMillis for a notification. Empty when none came, when the caller went away
     * before it could be received, or when the wait was interrupted; {@link #hungUp} says whether
     * every process under the filter is gone.
     */
    public Optional<Notification> receive(int timeoutMillis) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment pfd = arena.allocate(SeccompStructs.POLLFD);
            SeccompStructs.POLL_FD.set(pfd, fd);
            SeccompStructs.POLL_EVENTS.set(pfd, POLLIN);
            int n = (int) POLL.get().invokeExact(err, pfd, 1L, timeoutMillis);
            if (n < 0 && Native.errno(err) == EINTR) return Optional.empty();
            if (n < 0) throw new NativeException(Native.errno(err), "cannot poll the seccomp listener");
            short revents = (short) SeccompStructs.POLL_REVENTS.get(pfd);
            if ((revents & POLLIN) == 0) {
                hungUp = (revents & POLLHUP) != 0;
                return Optional.empty();
            }
            MemorySegment notif = arena.allocate(SeccompStructs.NOTIF); // zeroed, as the kernel requires
            if ((int) IOCTL.get().invokeExact(err, fd, NOTIF_RECV, notif) != 0) {
                int e = Native.errno(err);
                if (e == ENOENT || e == EINTR) return Optional.empty();
                throw new NativeException(e, "cannot receive from the seccomp listener");
            }
            long[] args = new long[SeccompStructs.ARGS];
            for (int i = 0; i < args.length; i++) args[i] = (long) SeccompStructs.NOTIF_ARG.get(notif, (long) i);
            return Optional.of(new Notification((long) SeccompStructs.NOTIF_ID.get(notif), (int) SeccompStructs.NOTIF_PID.get(notif),
                    (int) SeccompStructs.NOTIF_NR.get(notif), (int) SeccompStructs.NOTIF_ARCH.get(notif), args));
        });
    }

    private volatile boolean hungUp;

    /** Whether the last {@link #receive} found no process left under the filter. */
    public boolean hungUp() {
        return hungUp;
    }

    /** Whether the call id still waits for its answer (its thread neither died nor was interrupted). */
    public boolean stillWaiting(long id) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            return (int) IOCTL.get().invokeExact(err, fd, NOTIF_ID_VALID, arena.allocateFrom(LONG, id)) == 0;
        });
    }

    /** Answers call id: the call returns value, or -1 with errno when errno is not 0. */
    public void answer(long id, long value, int errno) {
        send(id, errno == 0 ? value : 0, -Math.abs(errno), 0);
    }

    /** Lets call id go on as the kernel runs it (for a call the supervisor does not take over). */
    public void proceed(long id) {
        send(id, 0, 0, USER_NOTIF_FLAG_CONTINUE);
    }

    private void send(long id, long value, int error, int flags) {
        Native.run(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment resp = arena.allocate(SeccompStructs.RESP);
            SeccompStructs.RESP_ID.set(resp, id);
            SeccompStructs.RESP_VAL.set(resp, value);
            SeccompStructs.RESP_ERROR.set(resp, error);
            SeccompStructs.RESP_FLAGS.set(resp, flags);
            // ENOENT: the caller went away (killed, or interrupted by a signal): nobody to answer.
            if ((int) IOCTL.get().invokeExact(err, fd, NOTIF_SEND, resp) != 0 && Native.errno(err) != ENOENT) {
                throw new NativeException(Native.errno(err), "cannot answer through the seccomp listener");
            }
        });
    }

    /**
     * Installs a copy of this process's descriptor srcFd in the caller of id and answers the call with
     * its number (atomically: SECCOMP_ADDFD_FLAG_SEND). Returns that number, or -errno (ENOENT: the
     * caller went away).
     */
    public int answerWithDescriptor(long id, int srcFd, boolean closeOnExec) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment addfd = arena.allocate(SeccompStructs.ADDFD);
            SeccompStructs.ADDFD_ID.set(addfd, id);
            SeccompStructs.ADDFD_FLAGS.set(addfd, ADDFD_FLAG_SEND);
            SeccompStructs.ADDFD_SRCFD.set(addfd, srcFd);
            SeccompStructs.ADDFD_NEWFD.set(addfd, 0);
            SeccompStructs.ADDFD_NEWFD_FLAGS.set(addfd, closeOnExec ? Libc.O_CLOEXEC : 0);
            int rc = (int) IOCTL.get().invokeExact(err, fd, NOTIF_ADDFD, addfd);
            return rc >= 0 ? rc : -Native.errno(err);
        });
    }

    /** Closes the listener (once, whoever calls it first): the kernel answers ENOSYS from then on. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) Libc.close(fd);
    }
}
