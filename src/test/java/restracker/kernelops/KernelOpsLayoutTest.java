package restracker.kernelops;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import restracker.kernel.Struct;
import restracker.testing.BtfLayout;

/**
 * The tracer's Java records against bpf/kernelops.h as compiled: field names, order, offsets and
 * sizes read from the BTF of both built objects (bpftool), so that neither side can drift.
 */
class KernelOpsLayoutTest {
    static Stream<Struct> records() {
        return Stream.of(KernelOpsRecords.ENTRY, KernelOpsRecords.STATE, KernelOpsRecords.INFO);
    }

    @ParameterizedTest
    @MethodSource("records")
    void javaLayoutMatchesTheCompiledStruct(Struct record) throws Exception {
        BtfLayout.assertMatches(record, BtfLayout.btf("kernelops.bpf.o"));
    }

    /** The hooks object is loaded onto the maps the first one pinned: its records must be the same. */
    @ParameterizedTest
    @MethodSource("records")
    void bothObjectsAgree(Struct record) throws Exception {
        if (record == KernelOpsRecords.INFO) return; // user space's alone
        BtfLayout.assertMatches(record, BtfLayout.btf(KernelOpsHooks.OBJECT));
    }
}
