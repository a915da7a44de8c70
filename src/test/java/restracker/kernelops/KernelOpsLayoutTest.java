package restracker.kernelops;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import restracker.kernel.Struct;
import restracker.testing.BtfLayout;
import restracker.testing.GeneratedStructs;

/**
 * The tracer's Java layouts, generated at build time from the BTF of kernelops.bpf.o, against
 * bpftool's reading of the BTF of both built objects: field names, order, offsets and sizes.
 */
class KernelOpsLayoutTest {
    @Test
    void everyGeneratedLayoutMatchesTheCompiledStruct() throws Exception {
        GeneratedStructs.assertMatchObject(KernelOpsStructs.class, "kernelops.bpf.o");
    }

    static Stream<Struct> shared() {
        return Stream.of(KernelOpsStructs.RT_KERNELOPS_ENTRY, KernelOpsStructs.RT_KERNELOPS_STATE);
    }

    /** The hooks object is loaded onto the maps the first one pinned: the records they share must be the same. */
    @ParameterizedTest
    @MethodSource("shared")
    void bothObjectsAgree(Struct record) throws Exception {
        BtfLayout.assertMatches(record, KernelOpsHooks.OBJECT);
    }
}
