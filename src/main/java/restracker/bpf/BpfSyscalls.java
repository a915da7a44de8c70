package restracker.bpf;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import restracker.sys.Native;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

/**
 * libbpf's thin wrappers of the bpf(2) map commands: all that a CLI call on pinned maps needs.
 * Kept apart from {@link Libbpf} because every downcall handle costs start-up time, and this
 * class is initialised alone on that path; each handle is made on first use (a `fetch` needs three
 * of them). Each returns 0 or -errno (libbpf 1.x).
 */
final class BpfSyscalls {
    static final Native.Lazy OBJ_GET = fn("bpf_obj_get", INT, PTR);
    static final Native.Lazy LOOKUP = fn("bpf_map_lookup_elem", INT, INT, PTR, PTR);
    static final Native.Lazy UPDATE = fn("bpf_map_update_elem", INT, INT, PTR, PTR, LONG);
    static final Native.Lazy DELETE = fn("bpf_map_delete_elem", INT, INT, PTR);
    static final Native.Lazy NEXT_KEY = fn("bpf_map_get_next_key", INT, INT, PTR, PTR);
    static final Native.Lazy OBJ_GET_INFO = fn("bpf_obj_get_info_by_fd", INT, INT, PTR, PTR);
    /** (fd, in_batch, out_batch, keys, values, count, opts): count in and out; -ENOENT once the map is exhausted. */
    static final Native.Lazy LOOKUP_BATCH = fn("bpf_map_lookup_batch", INT, INT, PTR, PTR, PTR, PTR, PTR, PTR);

    private BpfSyscalls() {}

    private static Native.Lazy fn(String name, MemoryLayout ret, MemoryLayout... args) {
        return Native.lazy(() -> Native.plain(LibbpfLibrary.LOOKUP, name, FunctionDescriptor.of(ret, args)));
    }
}
