package restracker.kernelops;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import restracker.testing.RecordAccessors;

/** Every typed accessor of the tracer's record classes reaches its field, of its size, where the compiled object's BTF puts it. */
class KernelOpsRecordAccessorsTest {
    static Stream<Arguments> records() {
        return Stream.of(Arguments.of(KernelOpsEntryRecord.class, "rt_kernelops_entry"),
                Arguments.of(KernelOpsStateRecord.class, "rt_kernelops_state"),
                Arguments.of(KernelOpsInfoRecord.class, "rt_kernelops_info"));
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyAccessorReachesItsFieldAsCompiled(Class<?> record, String struct) throws Exception {
        RecordAccessors.check(record, "kernelops.bpf.o", struct);
    }
}
