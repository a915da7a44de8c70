package restracker.sys;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/** The few libc calls restracker needs that the JDK does not offer. Each failure carries its errno. */
public final class Libc {
    public static final int SIGKILL = 9;
    public static final int SIGCONT = 18;
    public static final long BPF_FS_MAGIC = 0xcafe4a11L;
    public static final long TRACEFS_MAGIC = 0x74726163L;

    public static final int O_CLOEXEC = 02000000;
    private static final int O_RDONLY = 0, O_DIRECTORY = 0200000;
    private static final int LOCK_EX = 2, LOCK_UN = 8;
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;

    private static final Native.Lazy OPEN = Native.lazy(() -> Native.withErrno(Native.LIBC, "open",
            FunctionDescriptor.of(INT, PTR, INT)));
    private static final Native.Lazy MEMFD_CREATE = Native.lazy(() -> Native.withErrno(Native.LIBC, "memfd_create",
            FunctionDescriptor.of(INT, PTR, INT)));
    private static final Native.Lazy FLOCK = Native.lazy(() -> Native.withErrno(Native.LIBC, "flock",
            FunctionDescriptor.of(INT, INT, INT)));
    private static final Native.Lazy MOUNT = Native.lazy(() -> Native.withErrno(Native.LIBC, "mount",
            FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR)));
    private static final Native.Lazy KILL = Native.lazy(() -> Native.withErrno(Native.LIBC, "kill",
            FunctionDescriptor.of(INT, INT, INT)));
    private static final Native.Lazy MMAP = Native.lazy(() -> Native.withErrno(Native.LIBC, "mmap",
            FunctionDescriptor.of(PTR, PTR, LONG, INT, INT, INT, LONG)));
    private static final Native.Lazy MUNMAP = Native.lazy(() -> Native.plain(Native.LIBC, "munmap",
            FunctionDescriptor.of(INT, PTR, LONG)));
    private static final Native.Lazy CLOCK_GETTIME = Native.lazy(() -> Native.plain(Native.LIBC, "clock_gettime",
            FunctionDescriptor.of(INT, INT, PTR)));
    private static final Native.Lazy SYSCONF = Native.lazy(() -> Native.plain(Native.LIBC, "sysconf",
            FunctionDescriptor.of(LONG, INT)));
    private static final int CLOCK_BOOTTIME = 7, SC_PAGESIZE = 30;

    /** pidfd_open flag (Linux 6.9): a pidfd for any thread, not only a thread-group leader. */
    private static final long PIDFD_THREAD = 0200;

    private Libc() {}

    /** Opens a directory for {@link #lockExclusive}; the descriptor is closed with {@link #close}. */
    public static int openDirectory(String path) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            int fd = (int) OPEN.get().invokeExact(err, arena.allocateFrom(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) throw new NativeException(Native.errno(err), "cannot open " + path);
            return fd;
        });
    }

    /** Opens path read-only (close-on-exec); the descriptor is closed with {@link #close}. */
    public static int openReadOnly(String path) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            int fd = (int) OPEN.get().invokeExact(err, arena.allocateFrom(path), O_RDONLY | O_CLOEXEC);
            if (fd < 0) throw new NativeException(Native.errno(err), "cannot open " + path);
            return fd;
        });
    }

    /** An anonymous file (memfd_create(2), close-on-exec) named name in /proc/PID/fd. */
    public static int memfdCreate(String name) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            int fd = (int) MEMFD_CREATE.get().invokeExact(err, arena.allocateFrom(name), 1 /* MFD_CLOEXEC */);
            if (fd < 0) throw new NativeException(Native.errno(err), "cannot create an anonymous file");
            return fd;
        });
    }

    /** close(2), through {@link SystemCall} (every CLI call closes descriptors: one stub for all). */
    public static void close(int fd) {
        SystemCall.call(SystemCall.CLOSE, fd, 0, 0);
    }

    /** Blocks until this process holds the exclusive flock on fd (released by close). */
    public static void lockExclusive(int fd) {
        Native.run(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            if ((int) FLOCK.get().invokeExact(err, fd, LOCK_EX) != 0) {
                throw new NativeException(Native.errno(err), "cannot lock the pin directory");
            }
        });
    }

    /** Releases this process's flock on fd (the descriptor stays open). */
    public static void unlock(int fd) {
        Native.run(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            if ((int) FLOCK.get().invokeExact(err, fd, LOCK_UN) != 0) {
                throw new NativeException(Native.errno(err), "cannot unlock the pin directory");
            }
        });
    }

    public static void mount(String source, String target, String type) {
        mount(source, target, type, null);
    }

    /** mount(2) with the filesystem's options, e.g. "mode=0700" (null: none). */
    public static void mount(String source, String target, String type, String options) {
        Native.run(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment data = options == null ? MemorySegment.NULL : arena.allocateFrom(options);
            int rc = (int) MOUNT.get().invokeExact(err, arena.allocateFrom(source), arena.allocateFrom(target),
                    arena.allocateFrom(type), 0L, data);
            if (rc != 0) {
                throw new NativeException(Native.errno(err), "cannot mount " + type + " on " + target);
            }
        });
    }

    /** The filesystem magic number (statfs f_type) of path, or -errno. */
    public static long fileSystemType(String path) {
        return Native.call(arena -> {
            MemorySegment buf = arena.allocate(LibcStructs.STATFS);
            long rc = SystemCall.call(arena, SystemCall.STATFS, Native.cString(arena, path).address(), buf.address(), 0);
            return rc < 0 ? rc : (long) LibcStructs.F_TYPE.get(buf);
        });
    }

    /** kill(2); returns 0 or the errno. */
    public static int kill(int pid, int signal) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            return (int) KILL.get().invokeExact(err, pid, signal) == 0 ? 0 : Native.errno(err);
        });
    }

    /** Maps size bytes of fd shared read-write; the mapping lasts as long as the process. */
    public static MemorySegment mapShared(int fd, long size) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment addr = (MemorySegment) MMAP.get().invokeExact(err, MemorySegment.NULL, size,
                    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0L);
            if (addr.address() == -1L) throw new NativeException(Native.errno(err), "cannot mmap a BPF map");
            return addr.reinterpret(size);
        });
    }

    /**
     * Unmaps what {@link #mapShared} mapped (the map's memory stays referenced while it is mapped,
     * even after its pin is gone); the segment must not be used afterwards.
     */
    public static void unmap(MemorySegment mapped) {
        Native.call(() -> {
            return (int) MUNMAP.get().invokeExact(mapped, mapped.byteSize());
        });
    }

    /** CLOCK_BOOTTIME in nanoseconds: the clock of bpf_ktime_get_boot_ns(). */
    public static long boottimeNanos() {
        return Native.call(arena -> {
            MemorySegment ts = arena.allocate(LibcStructs.TIMESPEC);
            int rc = (int) CLOCK_GETTIME.get().invokeExact(CLOCK_BOOTTIME, ts);
            return (long) LibcStructs.TV_SEC.get(ts) * 1_000_000_000L + (long) LibcStructs.TV_NSEC.get(ts);
        });
    }

    /** The size of a memory page (sysconf(_SC_PAGESIZE)): the unit of an mmap of a BPF array map. */
    public static long pageSize() {
        return Native.call(() -> {
            long size = (long) SYSCONF.get().invokeExact(SC_PAGESIZE);
            if (size <= 0) throw new IllegalStateException("sysconf(_SC_PAGESIZE) returned " + size);
            return size;
        });
    }

    /**
     * A pidfd for pid (a process, or a thread where the kernel allows it), or -errno. A pidfd names
     * that task in every pid namespace: the control socket passes it to say which task is meant.
     */
    public static int pidfdOpen(int pid) {
        long fd = SystemCall.call(SystemCall.PIDFD_OPEN, pid, PIDFD_THREAD, 0);
        if (fd == -Errno.EINVAL.number()) fd = SystemCall.call(SystemCall.PIDFD_OPEN, pid, 0, 0); // a kernel before 6.9
        return (int) fd;
    }

    public static int geteuid() {
        return (int) SystemCall.call(SystemCall.GETEUID, 0, 0, 0);
    }
}
