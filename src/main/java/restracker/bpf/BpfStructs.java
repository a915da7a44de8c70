package restracker.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

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

    /** A handle on one field at offset 0 of a segment: get(segment), set(segment, value). */
    private static VarHandle field(StructLayout struct, String name) {
        return java.lang.invoke.MethodHandles.insertCoordinates(struct.varHandle(MemoryLayout.PathElement.groupElement(name)), 1, 0L);
    }
}
