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
}
