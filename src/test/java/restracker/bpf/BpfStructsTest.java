package restracker.bpf;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import restracker.testing.CExpressions;

/** The bpf(2) structs' layouts as the C compiler lays out the kernel's UAPI header here. */
class BpfStructsTest {
    @Test
    void theMapInfoHeadHasTheKernelsOffsets() throws Exception {
        Map<String, Long> java = new LinkedHashMap<>();
        for (String f : List.of("type", "id", "key_size", "value_size", "max_entries", "map_flags")) {
            java.put("offsetof(struct bpf_map_info, " + f + ")", BpfStructs.MAP_INFO_HEAD.byteOffset(groupElement(f)));
        }
        java.put("offsetof(struct bpf_map_info, name)", BpfStructs.MAP_INFO_HEAD.byteSize());
        assertEquals(CExpressions.evaluate(List.of("linux/bpf.h"), List.copyOf(java.keySet())), java,
                "the head ends where the kernel's next field, name, begins");
        assertTrue(BpfStructs.MAP_INFO_HEAD.byteSize() < CExpressions.evaluate(List.of("linux/bpf.h"),
                List.of("sizeof(struct bpf_map_info)")).values().iterator().next(), "a head, not the whole struct");
    }

    @Test
    void theTaskIteratorsLinkStructsHaveTheKernelsAndLibbpfsOffsets() throws Exception {
        Map<String, Long> java = new LinkedHashMap<>();
        java.put("BPF_TRACE_ITER", (long) BpfStructs.BPF_TRACE_ITER);
        for (String f : List.of("type", "id", "prog_id")) {
            java.put("offsetof(struct bpf_link_info, " + f + ")", BpfStructs.LINK_INFO_HEAD.byteOffset(groupElement(f)));
        }
        for (String f : List.of("tid", "pid", "pid_fd")) {
            java.put("offsetof(union bpf_iter_link_info, task." + f + ")", BpfStructs.ITER_TASK.byteOffset(groupElement(f)));
        }
        java.put("sizeof(union bpf_iter_link_info)", BpfStructs.ITER_TASK.byteSize());
        for (String f : List.of("sz", "flags", "iter_info", "iter_info_len", "target_btf_id")) {
            java.put("offsetof(struct bpf_link_create_opts, " + f + ")",
                    BpfStructs.LINK_CREATE_OPTS_HEAD.byteOffset(groupElement(f)));
        }
        java.put("offsetof(struct bpf_link_create_opts, target_btf_id) + sizeof(__u32)", BpfStructs.LINK_CREATE_OPTS_HEAD.byteSize());
        assertEquals(CExpressions.evaluate(List.of("linux/bpf.h", "bpf/bpf.h"), List.copyOf(java.keySet())), java);
    }
}
