package restracker.bpf;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import restracker.sys.Native;
import restracker.sys.SystemCall;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

/**
 * The bpf(2) map commands: all that a CLI call on pinned maps needs. Kept apart from
 * {@link Libbpf} because every downcall handle costs start-up time, and this class is initialised
 * alone on that path. The three commands every CLI call makes (opening a pin, reading a map's
 * definition, looking an element up) are bpf(2) itself through {@link SystemCall}, whose one stub
 * the rest of the call shares; the others are libbpf's thin wrappers, each handle made on first use.
 * Each returns 0 (or the descriptor) or -errno, as libbpf 1.x does.
 */
final class BpfSyscalls {
    private static final int BPF_MAP_LOOKUP_ELEM = 1, BPF_OBJ_GET = 7, BPF_PROG_TEST_RUN = 10, BPF_OBJ_GET_INFO_BY_FD = 15;

    static final Native.Lazy UPDATE = fn("bpf_map_update_elem", INT, INT, PTR, PTR, LONG);
    static final Native.Lazy DELETE = fn("bpf_map_delete_elem", INT, INT, PTR);
    static final Native.Lazy NEXT_KEY = fn("bpf_map_get_next_key", INT, INT, PTR, PTR);
    /** (fd, in_batch, out_batch, keys, values, count, opts): count in and out; -ENOENT once the map is exhausted. */
    static final Native.Lazy LOOKUP_BATCH = fn("bpf_map_lookup_batch", INT, INT, PTR, PTR, PTR, PTR, PTR, PTR);

    private BpfSyscalls() {}

    /** BPF_OBJ_GET: a descriptor of what is pinned at path, or -errno (as bpf_obj_get). */
    static int objGet(String path) {
        return Native.call(arena -> {
            MemorySegment attr = arena.allocate(16, 8); // pathname, bpf_fd, file_flags
            attr.set(ValueLayout.JAVA_LONG, 0, Native.cString(arena, path).address());
            return (int) SystemCall.call(arena, SystemCall.BPF, BPF_OBJ_GET, attr.address(), attr.byteSize());
        });
    }

    /** BPF_MAP_LOOKUP_ELEM: copies the value at key into value; 0 or -errno (as bpf_map_lookup_elem). */
    static int lookup(int fd, MemorySegment key, MemorySegment value) {
        return Native.call(arena -> {
            MemorySegment attr = arena.allocate(32, 8); // map_fd, key, value, flags
            attr.set(ValueLayout.JAVA_INT, 0, fd);
            attr.set(ValueLayout.JAVA_LONG, 8, key.address());
            attr.set(ValueLayout.JAVA_LONG, 16, value.address());
            return (int) SystemCall.call(arena, SystemCall.BPF, BPF_MAP_LOOKUP_ELEM, attr.address(), attr.byteSize());
        });
    }

    /**
     * BPF_OBJ_GET_INFO_BY_FD: fills info, whose size is the int at len, and sets that int to the
     * size the kernel wrote; 0 or -errno (as bpf_obj_get_info_by_fd).
     */
    static int objGetInfo(int fd, MemorySegment info, MemorySegment len) {
        return Native.call(arena -> {
            MemorySegment attr = arena.allocate(16, 8); // bpf_fd, info_len, info
            attr.set(ValueLayout.JAVA_INT, 0, fd);
            attr.set(ValueLayout.JAVA_INT, 4, len.get(ValueLayout.JAVA_INT, 0));
            attr.set(ValueLayout.JAVA_LONG, 8, info.address());
            int rc = (int) SystemCall.call(arena, SystemCall.BPF, BPF_OBJ_GET_INFO_BY_FD, attr.address(), attr.byteSize());
            if (rc == 0) len.set(ValueLayout.JAVA_INT, 0, attr.get(ValueLayout.JAVA_INT, 4));
            return rc;
        });
    }

    /**
     * BPF_PROG_TEST_RUN of a syscall program with ctx as its context (as bpf_prog_test_run_opts
     * with ctx_in alone): the program's return value (an unsigned int), or -errno as a negative long.
     */
    static long testRun(int progFd, MemorySegment ctx) {
        return Native.call(arena -> {
            // prog_fd, retval, data_size_in, data_size_out, data_in, data_out, repeat, duration,
            // ctx_size_in (40), ctx_size_out, ctx_in (48), ctx_out, flags, cpu, batch_size
            MemorySegment attr = arena.allocate(80, 8);
            attr.set(ValueLayout.JAVA_INT, 0, progFd);
            attr.set(ValueLayout.JAVA_INT, 40, (int) ctx.byteSize());
            attr.set(ValueLayout.JAVA_LONG, 48, ctx.address());
            long rc = SystemCall.call(arena, SystemCall.BPF, BPF_PROG_TEST_RUN, attr.address(), attr.byteSize());
            return rc < 0 ? rc : Integer.toUnsignedLong(attr.get(ValueLayout.JAVA_INT, 4));
        });
    }

    private static Native.Lazy fn(String name, MemoryLayout ret, MemoryLayout... args) {
        return Native.lazy(() -> Native.plain(LibbpfLibrary.LOOKUP, name, FunctionDescriptor.of(ret, args)));
    }
}
