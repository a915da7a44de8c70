package restracker.bpf;

import static restracker.bpf.Native.INT;
import static restracker.bpf.Native.LONG;
import static restracker.bpf.Native.PTR;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * A seccomp user-notification listener (seccomp_unotify(2)): the supervisor's side of a filter that
 * answers SECCOMP_RET_USER_NOTIF. Receives the calls the filter stopped, answers them with a value
 * or an errno, lets them continue as the kernel would run them, or installs a descriptor in the
 * caller. The descriptor is closed with {@link #close}.
 *
 * <pre>
 * struct seccomp_notif      { __u64 id; __u32 pid; __u32 flags; struct seccomp_data data; };   // 80 bytes
 * struct seccomp_data       { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; };
 * struct seccomp_notif_resp { __u64 id; __s64 val; __s32 error; __u32 flags; };                // 24 bytes
 * struct seccomp_notif_addfd { __u64 id; __u32 flags; __u32 srcfd; __u32 newfd; __u32 newfd_flags; };
 * </pre>
 */
public final class SeccompListener implements AutoCloseable {
    // linux/seccomp.h (checked against the header by SeccompListenerLayoutTest)
    static final long NOTIF_RECV = 0xc0502100L, NOTIF_SEND = 0xc0182101L;
    static final long NOTIF_ID_VALID = 0x40082102L, NOTIF_ADDFD = 0x40182103L;
    static final int NOTIF_SIZE = 80, RESP_SIZE = 24, ADDFD_SIZE = 24;
    /** offsetof(struct seccomp_notif, data), offsetof(struct seccomp_data, args) */
    static final int NOTIF_DATA = 16, DATA_ARGS = 16;
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
            MemorySegment pfd = arena.allocate(8, 4);
            pfd.set(INT, 0, fd);
            pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, POLLIN);
            int n = (int) POLL.get().invokeExact(err, pfd, 1L, timeoutMillis);
            if (n < 0 && Native.errno(err) == EINTR) return Optional.empty();
            if (n < 0) throw new NativeException(Native.errno(err), "cannot poll the seccomp listener");
            short revents = pfd.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 6);
            if ((revents & POLLIN) == 0) {
                hungUp = (revents & POLLHUP) != 0;
                return Optional.empty();
            }
            MemorySegment notif = arena.allocate(NOTIF_SIZE, 8); // zeroed, as the kernel requires
            if ((int) IOCTL.get().invokeExact(err, fd, NOTIF_RECV, notif) != 0) {
                int e = Native.errno(err);
                if (e == ENOENT || e == EINTR) return Optional.empty();
                throw new NativeException(e, "cannot receive from the seccomp listener");
            }
            long[] args = new long[6];
            for (int i = 0; i < 6; i++) args[i] = notif.get(LONG, NOTIF_DATA + DATA_ARGS + 8L * i);
            return Optional.of(new Notification(notif.get(LONG, 0), notif.get(INT, 8), notif.get(INT, NOTIF_DATA),
                    notif.get(INT, NOTIF_DATA + 4), args));
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
            MemorySegment resp = arena.allocate(RESP_SIZE, 8);
            resp.set(LONG, 0, id);
            resp.set(LONG, 8, value);
            resp.set(INT, 16, error);
            resp.set(INT, 20, flags);
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
            MemorySegment addfd = arena.allocate(ADDFD_SIZE, 8);
            addfd.set(LONG, 0, id);
            addfd.set(INT, 8, ADDFD_FLAG_SEND);
            addfd.set(INT, 12, srcFd);
            addfd.set(INT, 16, 0);
            addfd.set(INT, 20, closeOnExec ? Libc.O_CLOEXEC : 0);
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
