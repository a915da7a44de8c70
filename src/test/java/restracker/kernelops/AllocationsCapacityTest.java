package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.bpf.BpfMap;
import restracker.testing.BpfMaps;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/**
 * A full table of outstanding blocks: with the kernel's `allocs` map filled (keys 1, 2, 3, ...:
 * addresses no kmalloc returns, so no kfree removes them), every kmalloc of a traced process is
 * one not remembered, and `allocations_dropped` grows by exactly the kmalloc events the kernel's
 * own tracing (tracefs) saw for that process in the same window.
 */
class AllocationsCapacityTest {
    @Loaded
    private static KernelTracer tracer;
    private static Path allocs;

    @BeforeAll
    static void load() {
        allocs = TestKernel.pinDir(AllocationsCapacityTest.class).resolve("kernelops").resolve("allocs");
    }

    @Test
    void kmallocsOfATracedProcessWhileTheTableIsFullAreCountedAsDropped() throws Exception {
        long capacity = BpfMaps.declaredMaxEntries("kernelops.bpf.o", "allocs");
        try (Workload w = Workload.start(); BpfMap map = BpfMap.openPinned(allocs.toString()); Arena arena = Arena.ofConfined()) {
            w.readFile(5, "/proc/self/stat"); // first-touch work stays outside the window
            Quiet.await(w);
            tracer.add(w.pid()); // the first traced process: the table starts empty
            MemorySegment size = arena.allocateFrom(ValueLayout.JAVA_LONG, 64);
            long filled = 0;
            for (long key = 1; filled < capacity; key++, filled++) {
                if (map.update(arena.allocateFrom(ValueLayout.JAVA_LONG, key), size, BpfMap.NOEXIST) != 0) break;
            }
            assertTrue(filled > capacity - 100, "the table is full: " + filled + " of " + capacity + " slots taken by the test");
            long before = tracer.snapshot().allocationsDropped();
            try (TraceFsReference ref = TraceFsReference.start(w.tids())) {
                w.readFile(200, "/proc/self/stat");
                Quiet.await(w);
                long dropped = tracer.snapshot().allocationsDropped() - before;
                TraceFsReference.Counts seen = ref.stop();
                assertTrue(seen.kmalloc() >= 3 * 200, "the workload made the kernel kmalloc: " + seen);
                assertEquals(seen.kmalloc(), dropped, "every kmalloc of the traced process found the table full");
            }
            tracer.remove(w.pid());
        }
    }
}
