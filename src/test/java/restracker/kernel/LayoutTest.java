package restracker.kernel;

import org.junit.jupiter.api.Test;
import restracker.testing.GeneratedStructs;

/**
 * The Java layouts of the tracker's records, generated at build time from the BTF of
 * tracker.bpf.o, against bpftool's reading of that BTF: every struct rt_* with its field names,
 * order, offsets and sizes, so that a fault of the generator cannot go unseen. (A field the C
 * header changes changes the generated layout with it; the accessors that use it are checked by
 * RecordAccessorsTest.)
 */
class LayoutTest {
    @Test
    void everyGeneratedLayoutMatchesTheCompiledStruct() throws Exception {
        GeneratedStructs.assertMatchObject(TrackerStructs.class, "tracker.bpf.o");
    }
}
