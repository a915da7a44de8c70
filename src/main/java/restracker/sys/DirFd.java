package restracker.sys;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.PTR;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Directories by descriptor: each entry is opened, stat'ed and removed relative to its parent's
 * descriptor, and never through a symbolic link (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, unlinkat), so
 * that a link swapped in for a directory cannot lead the caller out of the tree it is working on.
 * Each failure carries its errno.
 */
public final class DirFd {
    public static final int ELOOP = 40;

    private static final int AT_FDCWD = -100;
    private static final int O_RDONLY = 0, O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000, O_CLOEXEC = 02000000;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
    /** statx(2) mask bits: the type and mode, the link count, and the owner. */
    private static final int STATX_MODE = 0x2 | 0x1, STATX_NLINK = 0x4, STATX_UID = 0x8;
    private static final int S_IFMT = 0170000, S_IFDIR = 0040000, S_IFLNK = 0120000;

    private static final Native.Lazy OPENAT = Native.lazy(() -> Native.withErrno(Native.LIBC, "openat",
            FunctionDescriptor.of(INT, INT, PTR, INT)));
    private static final Native.Lazy STATX = Native.lazy(() -> Native.withErrno(Native.LIBC, "statx",
            FunctionDescriptor.of(INT, INT, PTR, INT, INT, PTR)));
    private static final Native.Lazy UNLINKAT = Native.lazy(() -> Native.withErrno(Native.LIBC, "unlinkat",
            FunctionDescriptor.of(INT, INT, PTR, INT)));
    private static final Native.Lazy DUP = Native.lazy(() -> Native.withErrno(Native.LIBC, "dup",
            FunctionDescriptor.of(INT, INT)));
    private static final Native.Lazy FDOPENDIR = Native.lazy(() -> Native.withErrno(Native.LIBC, "fdopendir",
            FunctionDescriptor.of(PTR, INT)));
    private static final Native.Lazy READDIR = Native.lazy(() -> Native.withErrno(Native.LIBC, "readdir64",
            FunctionDescriptor.of(PTR, PTR)));
    private static final Native.Lazy CLOSEDIR = Native.lazy(() -> Native.plain(Native.LIBC, "closedir",
            FunctionDescriptor.of(INT, PTR)));

    private DirFd() {}

    /** An entry's type, permission bits, owner and links (0: removed), as lstat(2) gives them. */
    public record Stat(int mode, int uid, int nlink) {
        public boolean isDirectory() {
            return (mode & S_IFMT) == S_IFDIR;
        }

        public boolean isSymbolicLink() {
            return (mode & S_IFMT) == S_IFLNK;
        }

        /** The permission bits with setuid, setgid and sticky (mode & 07777). */
        public int permissions() {
            return mode & 07777;
        }
    }

    /** Opens the directory at path, refusing (ELOOP or ENOTDIR) when path itself is a symbolic link. */
    public static int open(String path) {
        return openAt(AT_FDCWD, path, path);
    }

    /** Opens the subdirectory name of dirFd, refusing (ELOOP or ENOTDIR) a symbolic link. */
    public static int openAt(int dirFd, String name) {
        return openAt(dirFd, name, name);
    }

    private static int openAt(int dirFd, String name, String what) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            int fd = (int) OPENAT.get().invokeExact(err, dirFd, arena.allocateFrom(name),
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) throw new NativeException(Native.errno(err), "cannot open the directory " + what);
            return fd;
        });
    }

    /** The entry name of dirFd, not followed if it is a symbolic link. */
    public static Stat statAt(int dirFd, String name) {
        return statx(dirFd, name, AT_SYMLINK_NOFOLLOW);
    }

    /** The directory dirFd itself. */
    public static Stat stat(int dirFd) {
        return statx(dirFd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    }

    private static Stat statx(int dirFd, String name, int flags) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment buf = arena.allocate(LibcStructs.STATX);
            int rc = (int) STATX.get().invokeExact(err, dirFd, arena.allocateFrom(name), flags, STATX_MODE | STATX_NLINK | STATX_UID, buf);
            if (rc != 0) throw new NativeException(Native.errno(err), "cannot stat " + (name.isEmpty() ? "a directory" : name));
            return new Stat(Short.toUnsignedInt((short) LibcStructs.STX_MODE.get(buf)), (int) LibcStructs.STX_UID.get(buf),
                    (int) LibcStructs.STX_NLINK.get(buf));
        });
    }

    /**
     * The names in the directory dirFd, without "." and "..". Reads through a duplicate of dirFd,
     * which shares its position: call it once per descriptor.
     */
    public static List<String> list(int dirFd) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            int dup = (int) DUP.get().invokeExact(err, dirFd);
            if (dup < 0) throw new NativeException(Native.errno(err), "cannot list a directory");
            MemorySegment dir = (MemorySegment) FDOPENDIR.get().invokeExact(err, dup);
            if (dir.address() == 0) {
                int errno = Native.errno(err);
                Libc.close(dup);
                throw new NativeException(errno, "cannot list a directory");
            }
            List<String> names = new ArrayList<>();
            try {
                while (true) {
                    MemorySegment entry = (MemorySegment) READDIR.get().invokeExact(err, dir);
                    if (entry.address() == 0) break;
                    String name = entry.reinterpret(LibcStructs.DIRENT.byteSize()).getString(LibcStructs.D_NAME);
                    if (!name.equals(".") && !name.equals("..")) names.add(name);
                }
            } finally {
                int unused = (int) CLOSEDIR.get().invokeExact(dir); // closes dup
            }
            return names;
        });
    }

    /** Removes the entry name of dirFd: an empty directory (rmdir) or anything else, a link itself (unlink). */
    public static void unlinkAt(int dirFd, String name, boolean directory) {
        Native.run(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            if ((int) UNLINKAT.get().invokeExact(err, dirFd, arena.allocateFrom(name), directory ? AT_REMOVEDIR : 0) != 0) {
                throw new NativeException(Native.errno(err), "cannot remove " + name);
            }
        });
    }
}
