package restracker.kernel;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import restracker.testing.BtfLayout;

/**
 * The Java records against the C records as compiled: field names, order and offsets, and sizes,
 * read from the BTF of the built BPF object (bpftool), so that the two sides cannot drift.
 */
class LayoutTest {
    static Stream<Struct> records() {
        return Stream.of(Records.ENTITY, Records.OBJECT, Records.QUOTA, Records.LOG, Records.EVENT, Records.STATE, Records.META);
    }

    @ParameterizedTest
    @MethodSource("records")
    void javaLayoutMatchesTheCompiledStruct(Struct record) throws Exception {
        BtfLayout.assertMatches(record, BtfLayout.btf("tracker.bpf.o"));
    }
}
