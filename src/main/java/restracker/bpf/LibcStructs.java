package restracker.bpf;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The C structs {@link Libc}'s calls fill in (Linux, x86-64), as named layouts with a handle per
 * field that restracker reads; LibcStructsTest checks them against the C compiler's.
 */
final class LibcStructs {
    private LibcStructs() {}

    /** struct statfs: only f_type, its first field, is read; the rest is its size (120 bytes). */
    static final StructLayout STATFS = MemoryLayout.structLayout(JAVA_LONG.withName("f_type"), MemoryLayout.paddingLayout(112))
            .withName("statfs");
    /** struct timespec { time_t tv_sec; long tv_nsec; } */
    static final StructLayout TIMESPEC = MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"))
            .withName("timespec");

    static final VarHandle F_TYPE = field(STATFS, "f_type");
    static final VarHandle TV_SEC = field(TIMESPEC, "tv_sec");
    static final VarHandle TV_NSEC = field(TIMESPEC, "tv_nsec");

    private static VarHandle field(StructLayout struct, String name) {
        return MethodHandles.insertCoordinates(struct.varHandle(groupElement(name)), 1, 0L);
    }
}
