package restracker.kernel;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import restracker.testing.RecordAccessors;

/**
 * Every typed accessor of the tracker's record classes names a field of its C struct, is of that
 * field's size, and reads and writes it where the compiled object's BTF puts it (a handle wired to
 * the wrong field, to a field the C struct lacks, or of another size, fails here, naming both).
 * The policy records' are PolicyLayoutTest's.
 */
class RecordAccessorsTest {
    static Stream<Arguments> records() {
        return Stream.of(Arguments.of(EntityRecord.class, "rt_entity"), Arguments.of(QuotaRecord.class, "rt_quota"),
                Arguments.of(EventRecord.class, "rt_event"), Arguments.of(ObjectRecord.class, "rt_object"),
                Arguments.of(MetaRecord.class, "rt_meta"), Arguments.of(StateRecord.class, "rt_state"),
                Arguments.of(LogRecord.class, "rt_log"));
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyAccessorReachesItsFieldAsCompiled(Class<?> record, String struct) throws Exception {
        RecordAccessors.check(record, "tracker.bpf.o", struct);
    }
}
