package restracker.sys;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Unix stream socket through libc, for what the JDK's channels cannot do: the peer's pid and
 * numeric uid (SO_PEERCRED) and passing a descriptor (SCM_RIGHTS). The control socket needs both:
 * the uid decides what a caller may change, and a pidfd names a process across pid namespaces.
 */
public final class UnixSocket implements AutoCloseable {
    /** Who is at the other end, as the kernel saw it at connect(); pid in this pid namespace. */
    public record Peer(int pid, int uid, int gid) {}

    /** What one {@link #receive} returned: a byte count (0 at end of stream) and a passed descriptor or -1. */
    public record Received(int count, int fd) {}

    private static final short AF_UNIX = 1;
    private static final int SOCK_STREAM = 1, SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1, SO_PEERCRED = 17, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21;
    private static final int SCM_RIGHTS = 1, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int SHUT_WR = 1, SHUT_RDWR = 2;

    private static final Native.Lazy SOCKET = Native.lazy(() -> Native.withErrno(Native.LIBC, "socket", FunctionDescriptor.of(INT, INT, INT, INT)));
    private static final Native.Lazy BIND = Native.lazy(() -> Native.withErrno(Native.LIBC, "bind", FunctionDescriptor.of(INT, INT, PTR, INT)));
    private static final Native.Lazy LISTEN = Native.lazy(() -> Native.withErrno(Native.LIBC, "listen", FunctionDescriptor.of(INT, INT, INT)));
    private static final Native.Lazy ACCEPT4 = Native.lazy(() -> Native.withErrno(Native.LIBC, "accept4", FunctionDescriptor.of(INT, INT, PTR, PTR, INT)));
    private static final Native.Lazy CONNECT = Native.lazy(() -> Native.withErrno(Native.LIBC, "connect", FunctionDescriptor.of(INT, INT, PTR, INT)));
    private static final Native.Lazy GETSOCKOPT = Native.lazy(() -> Native.withErrno(Native.LIBC, "getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, PTR)));
    private static final Native.Lazy SETSOCKOPT = Native.lazy(() -> Native.withErrno(Native.LIBC, "setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT)));
    private static final Native.Lazy SENDMSG = Native.lazy(() -> Native.withErrno(Native.LIBC, "sendmsg", FunctionDescriptor.of(LONG, INT, PTR, INT)));
    private static final Native.Lazy RECVMSG = Native.lazy(() -> Native.withErrno(Native.LIBC, "recvmsg", FunctionDescriptor.of(LONG, INT, PTR, INT)));
    private static final Native.Lazy SHUTDOWN = Native.lazy(() -> Native.plain(Native.LIBC, "shutdown", FunctionDescriptor.of(INT, INT, INT)));

    private final int fd;

    private UnixSocket(int fd) {
        this.fd = fd;
    }

    /** A listening socket at path (a stale socket file there must have been removed by the caller). */
    public static UnixSocket listen(Path path, int backlog) {
        UnixSocket s = new UnixSocket(newSocket());
        try {
            return Native.call(arena -> {
                MemorySegment err = Native.errnoSegment(arena);
                if ((int) BIND.get().invokeExact(err, s.fd, address(arena, path), (int) SocketStructs.SOCKADDR_UN.byteSize()) != 0) {
                    throw new NativeException(Native.errno(err), "cannot bind the control socket " + path);
                }
                if ((int) LISTEN.get().invokeExact(err, s.fd, backlog) != 0) {
                    throw new NativeException(Native.errno(err), "cannot listen on the control socket " + path);
                }
                return s;
            });
        } catch (Throwable t) {
            s.close();
            throw t;
        }
    }

    public static UnixSocket connect(Path path) {
        UnixSocket s = new UnixSocket(newSocket());
        try {
            return Native.call(arena -> {
                MemorySegment err = Native.errnoSegment(arena);
                if ((int) CONNECT.get().invokeExact(err, s.fd, address(arena, path), (int) SocketStructs.SOCKADDR_UN.byteSize()) != 0) {
                    throw new NativeException(Native.errno(err), "cannot connect to the control socket " + path);
                }
                return s;
            });
        } catch (Throwable t) {
            s.close();
            throw t;
        }
    }

    /** The next connection; empty once {@link #shutdown} was called. */
    public java.util.Optional<UnixSocket> accept() {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            for (;;) {
                int c = (int) ACCEPT4.get().invokeExact(err, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
                if (c >= 0) return java.util.Optional.of(new UnixSocket(c));
                int e = Native.errno(err);
                if (e == Errno.EINTR.number() || e == 103 /* ECONNABORTED */) continue;
                if (e == Errno.EINVAL.number() || e == Errno.EBADF.number()) return java.util.Optional.empty();
                throw new NativeException(e, "cannot accept a connection on the control socket");
            }
        });
    }

    public Peer peer() {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment cred = arena.allocate(SocketStructs.UCRED);
            MemorySegment len = arena.allocateFrom(INT, (int) SocketStructs.UCRED.byteSize());
            if ((int) GETSOCKOPT.get().invokeExact(err, fd, SOL_SOCKET, SO_PEERCRED, cred, len) != 0) {
                throw new NativeException(Native.errno(err), "cannot read the control socket's peer credentials");
            }
            return new Peer((int) SocketStructs.UCRED_PID.get(cred), (int) SocketStructs.UCRED_UID.get(cred),
                    (int) SocketStructs.UCRED_GID.get(cred));
        });
    }

    /** Bounds each blocking read and write: a client that stalls is dropped, never waited for. */
    public void timeouts(Duration limit) {
        Native.run(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment tv = arena.allocate(SocketStructs.TIMEVAL);
            SocketStructs.TV_SEC.set(tv, limit.toSeconds());
            SocketStructs.TV_USEC.set(tv, limit.toMillisPart() * 1000L);
            for (int opt : new int[] {SO_RCVTIMEO, SO_SNDTIMEO}) {
                if ((int) SETSOCKOPT.get().invokeExact(err, fd, SOL_SOCKET, opt, tv, (int) SocketStructs.TIMEVAL.byteSize()) != 0) {
                    throw new NativeException(Native.errno(err), "cannot set the control socket's timeouts");
                }
            }
        });
    }

    /** Writes all of data; passFd (if not -1) travels with its first byte as SCM_RIGHTS. */
    public void send(byte[] data, int passFd) {
        Native.run(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment buf = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
            long done = 0;
            while (done < data.length) {
                MemorySegment msg = message(arena, buf.asSlice(done), data.length - done);
                if (passFd >= 0 && done == 0) {
                    MemorySegment control = arena.allocate(SocketStructs.CMSG_FD);
                    SocketStructs.CMSG_LEN.set(control, SocketStructs.CMSG_FD_LEN);
                    SocketStructs.CMSG_LEVEL.set(control, SOL_SOCKET);
                    SocketStructs.CMSG_TYPE.set(control, SCM_RIGHTS);
                    SocketStructs.CMSG_FD_VALUE.set(control, passFd);
                    SocketStructs.MSG_CONTROL.set(msg, control);
                    SocketStructs.MSG_CONTROLLEN.set(msg, SocketStructs.CMSG_FD.byteSize());
                }
                long n = (long) SENDMSG.get().invokeExact(err, fd, msg, MSG_NOSIGNAL);
                if (n < 0) {
                    int e = Native.errno(err);
                    if (e == Errno.EINTR.number()) continue;
                    throw new NativeException(e, "cannot write to the control socket");
                }
                done += n;
            }
        });
    }

    /**
     * Reads up to into.length bytes. A descriptor passed with them is returned (close-on-exec) and
     * becomes the caller's to close; a timeout is an EAGAIN {@link NativeException}.
     */
    public Received receive(byte[] into) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment buf = arena.allocate(Math.max(1, into.length));
            MemorySegment msg = message(arena, buf, into.length);
            MemorySegment control = arena.allocate(SocketStructs.CMSG_FD);
            SocketStructs.MSG_CONTROL.set(msg, control);
            SocketStructs.MSG_CONTROLLEN.set(msg, SocketStructs.CMSG_FD.byteSize());
            for (;;) {
                long n = (long) RECVMSG.get().invokeExact(err, fd, msg, MSG_CMSG_CLOEXEC);
                if (n < 0) {
                    int e = Native.errno(err);
                    if (e == Errno.EINTR.number()) continue;
                    throw new NativeException(e, "cannot read from the control socket");
                }
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, into, 0, (int) n);
                return new Received((int) n, passedFd(msg, control));
            }
        });
    }

    /** Unblocks {@link #accept} in another thread, which then returns empty. */
    public void shutdown() {
        Native.run(() -> {
            int unused = (int) SHUTDOWN.get().invokeExact(fd, SHUT_RDWR);
        });
    }

    /** Ends this side's stream: the peer reads end-of-stream, and can still answer. */
    public void shutdownOutput() {
        Native.run(() -> {
            int unused = (int) SHUTDOWN.get().invokeExact(fd, SHUT_WR);
        });
    }

    @Override
    public void close() {
        Libc.close(fd);
    }

    private static int passedFd(MemorySegment msg, MemorySegment control) {
        long len = (long) SocketStructs.MSG_CONTROLLEN.get(msg);
        if (len < SocketStructs.CMSG_FD_LEN) return -1;
        if ((int) SocketStructs.CMSG_LEVEL.get(control) != SOL_SOCKET || (int) SocketStructs.CMSG_TYPE.get(control) != SCM_RIGHTS) {
            return -1;
        }
        return (int) SocketStructs.CMSG_FD_VALUE.get(control);
    }

    private static MemorySegment message(Arena arena, MemorySegment buf, long length) {
        MemorySegment iov = arena.allocate(SocketStructs.IOVEC);
        SocketStructs.IOV_BASE.set(iov, buf);
        SocketStructs.IOV_LEN.set(iov, length);
        MemorySegment msg = arena.allocate(SocketStructs.MSGHDR);
        SocketStructs.MSG_IOV.set(msg, iov);
        SocketStructs.MSG_IOVLEN.set(msg, 1L);
        return msg;
    }

    private static MemorySegment address(Arena arena, Path path) {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length >= SocketStructs.SUN_PATH_MAX) {
            throw new NativeException(Errno.EINVAL.number(), "the control socket's path is too long (" + p.length
                    + " bytes; a Unix socket path holds at most " + (SocketStructs.SUN_PATH_MAX - 1) + "): " + path);
        }
        MemorySegment a = arena.allocate(SocketStructs.SOCKADDR_UN);
        SocketStructs.SUN_FAMILY.set(a, AF_UNIX);
        MemorySegment.copy(p, 0, a, ValueLayout.JAVA_BYTE, SocketStructs.SUN_PATH, p.length);
        return a;
    }

    private static int newSocket() {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            int s = (int) SOCKET.get().invokeExact(err, (int) AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (s < 0) throw new NativeException(Native.errno(err), "cannot create a Unix socket");
            return s;
        });
    }
}
