package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.bpf.BpfMap;
import restracker.sys.Errno;
import restracker.testing.BpfMaps;
import restracker.testing.Cli;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/**
 * A full table of traced processes: the kernel's own `traced` map is filled to the size the
 * object declares (with keys above pid_max, which no process can have), and then `tracer add` of
 * a real process is refused with ENOSPC (28) and one sentence, through the API and the CLI; one
 * slot freed, the same add succeeds.
 */
class KernelOpsCapacityTest {
    private static final int ABOVE_PID_MAX = 4_194_305;
    @Loaded
    private static KernelTracer tracer;
    private static Path traced;

    @BeforeAll
    static void load() {
        traced = TestKernel.pinDir(KernelOpsCapacityTest.class).resolve("kernelops").resolve("traced");
    }

    @Test
    void aFullTableIsENOSPCAndAFreedSlotIsUsedAgain() throws Exception {
        long capacity = BpfMaps.declaredMaxEntries("kernelops.bpf.o", "traced");
        assertEquals(capacity, BpfMaps.pinnedMaxEntries(traced), "the kernel's map is as large as the object says");
        try (BpfMap map = BpfMap.openPinned(traced.toString()); Arena arena = Arena.ofConfined();
                Workload w = Workload.start()) {
            MemorySegment entry = KernelOpsStructs.RT_KERNELOPS_ENTRY.allocate(arena);
            for (int i = 0; i < capacity; i++) {
                assertEquals(0, map.update(arena.allocateFrom(ValueLayout.JAVA_INT, ABOVE_PID_MAX + i), entry, BpfMap.NOEXIST),
                        "filling slot " + i);
            }
            KernelOpsException full = assertThrows(KernelOpsException.class, () -> tracer.add(w.pid()));
            assertEquals(Errno.ENOSPC, full.errno());
            Cli.Result r = Cli.run(TestKernel.pinDir(KernelOpsCapacityTest.class), "", "tracer", "add", Integer.toString(w.pid()));
            assertEquals(28, r.status(), r.out() + r.err());
            assertTrue(r.err().startsWith("restracker: ") && r.err().endsWith("[ENOSPC (28)]\n")
                    && r.err().chars().filter(c -> c == '\n').count() == 1, "one sentence: " + r.err());
            assertTrue(r.err().contains(Long.toString(capacity)) || r.err().contains(String.format("%,d", capacity)),
                    "it names the maximum: " + r.err());
            assertTrue(!map.lookup(arena.allocateFrom(ValueLayout.JAVA_INT, w.pid()), KernelOpsStructs.RT_KERNELOPS_ENTRY.allocate(arena)),
                    "nothing was added");

            assertTrue(map.delete(arena.allocateFrom(ValueLayout.JAVA_INT, ABOVE_PID_MAX)));
            tracer.add(w.pid());
            assertTrue(map.lookup(arena.allocateFrom(ValueLayout.JAVA_INT, w.pid()), KernelOpsStructs.RT_KERNELOPS_ENTRY.allocate(arena)),
                    "the freed slot took it");
            tracer.remove(w.pid());
            for (int i = 1; i < capacity; i++) map.delete(arena.allocateFrom(ValueLayout.JAVA_INT, ABOVE_PID_MAX + i));
        }
    }
}
