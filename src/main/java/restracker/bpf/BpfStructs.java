package restracker.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The bpf(2) structs restracker reads (linux/bpf.h), as named layouts with a handle per field;
 * BpfStructsTest checks each offset against the C compiler's.
 */
final class BpfStructs {
    private BpfStructs() {}

    /**
     * The head of struct bpf_map_info, all that {@link BpfMap#definition} reads: the kernel fills
     * as much of the struct as the caller's length says.
     */
    static final StructLayout MAP_INFO_HEAD = MemoryLayout.structLayout(JAVA_INT.withName("type"), JAVA_INT.withName("id"),
            JAVA_INT.withName("key_size"), JAVA_INT.withName("value_size"), JAVA_INT.withName("max_entries"),
            JAVA_INT.withName("map_flags")).withName("bpf_map_info");

    static final VarHandle MAP_INFO_TYPE = field(MAP_INFO_HEAD, "type");
    static final VarHandle MAP_INFO_KEY_SIZE = field(MAP_INFO_HEAD, "key_size");
    static final VarHandle MAP_INFO_VALUE_SIZE = field(MAP_INFO_HEAD, "value_size");
    static final VarHandle MAP_INFO_MAX_ENTRIES = field(MAP_INFO_HEAD, "max_entries");

    /** enum bpf_attach_type's BPF_TRACE_ITER: a link that makes an iterator of an iter program. */
    static final int BPF_TRACE_ITER = 28;

    /** The head of struct bpf_link_info, up to the program the link runs. */
    static final StructLayout LINK_INFO_HEAD = MemoryLayout.structLayout(JAVA_INT.withName("type"), JAVA_INT.withName("id"),
            JAVA_INT.withName("prog_id")).withName("bpf_link_info");
    static final VarHandle LINK_INFO_PROG_ID = field(LINK_INFO_HEAD, "prog_id");

    /** union bpf_iter_link_info as a task iterator's parameters: one thread, one process, or a pidfd's process. */
    static final StructLayout ITER_TASK = MemoryLayout.structLayout(JAVA_INT.withName("tid"), JAVA_INT.withName("pid"),
            JAVA_INT.withName("pid_fd"), MemoryLayout.paddingLayout(4)).withName("bpf_iter_link_info");
    static final VarHandle ITER_TASK_PID = field(ITER_TASK, "pid");

    /**
     * The head of libbpf's struct bpf_link_create_opts, up to target_btf_id: its sz says how much
     * of the struct the caller knows, and libbpf reads no field beyond it.
     */
    static final StructLayout LINK_CREATE_OPTS_HEAD = MemoryLayout.structLayout(JAVA_LONG.withName("sz"),
            JAVA_INT.withName("flags"), MemoryLayout.paddingLayout(4), ADDRESS.withName("iter_info"),
            JAVA_INT.withName("iter_info_len"), JAVA_INT.withName("target_btf_id")).withName("bpf_link_create_opts");
    static final VarHandle LINK_CREATE_SZ = field(LINK_CREATE_OPTS_HEAD, "sz");
    static final VarHandle LINK_CREATE_ITER_INFO = field(LINK_CREATE_OPTS_HEAD, "iter_info");
    static final VarHandle LINK_CREATE_ITER_INFO_LEN = field(LINK_CREATE_OPTS_HEAD, "iter_info_len");

    /** A handle on one field at offset 0 of a segment: get(segment), set(segment, value). */
    private static VarHandle field(StructLayout struct, String name) {
        return java.lang.invoke.MethodHandles.insertCoordinates(struct.varHandle(MemoryLayout.PathElement.groupElement(name)), 1, 0L);
    }
}
