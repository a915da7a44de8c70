package restracker.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The C structs {@link Libc}'s and {@link DirFd}'s calls fill in (Linux, x86-64), as named layouts
 * with a handle per field that restracker reads; LibcStructsTest checks them against the C compiler's.
 */
final class LibcStructs {
    private LibcStructs() {}

    /** struct statfs: only f_type, its first field, is read; the rest is its size (120 bytes). */
    static final StructLayout STATFS = MemoryLayout.structLayout(JAVA_LONG.withName("f_type"), MemoryLayout.paddingLayout(112))
            .withName("statfs");
    /** struct timespec { time_t tv_sec; long tv_nsec; } */
    static final StructLayout TIMESPEC = MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"))
            .withName("timespec");

    /**
     * struct statx, up to stx_mode (the fields before it are the same on every architecture,
     * unlike struct stat's); the rest is its size (256 bytes).
     */
    static final StructLayout STATX = MemoryLayout.structLayout(JAVA_INT.withName("stx_mask"), JAVA_INT.withName("stx_blksize"),
            JAVA_LONG.withName("stx_attributes"), JAVA_INT.withName("stx_nlink"), JAVA_INT.withName("stx_uid"),
            JAVA_INT.withName("stx_gid"), JAVA_SHORT.withName("stx_mode"), MemoryLayout.paddingLayout(226)).withName("statx");
    /** struct dirent (glibc, 64-bit) { ino_t d_ino; off_t d_off; unsigned short d_reclen; unsigned char d_type; char d_name[256]; } */
    static final StructLayout DIRENT = MemoryLayout.structLayout(JAVA_LONG.withName("d_ino"), JAVA_LONG.withName("d_off"),
            JAVA_SHORT.withName("d_reclen"), JAVA_BYTE.withName("d_type"), MemoryLayout.sequenceLayout(256, JAVA_BYTE).withName("d_name"),
            MemoryLayout.paddingLayout(5)).withName("dirent");
    static final long D_NAME = DIRENT.byteOffset(groupElement("d_name"));

    static final VarHandle F_TYPE = field(STATFS, "f_type");
    static final VarHandle STX_UID = field(STATX, "stx_uid");
    static final VarHandle STX_NLINK = field(STATX, "stx_nlink");
    static final VarHandle STX_MODE = field(STATX, "stx_mode");
    static final VarHandle TV_SEC = field(TIMESPEC, "tv_sec");
    static final VarHandle TV_NSEC = field(TIMESPEC, "tv_nsec");

    private static VarHandle field(StructLayout struct, String name) {
        return MethodHandles.insertCoordinates(struct.varHandle(groupElement(name)), 1, 0L);
    }
}
