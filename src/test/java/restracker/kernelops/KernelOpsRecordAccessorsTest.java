package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;
import restracker.testing.RecordAccessors;

/** Every typed accessor of the tracer's record classes reaches its field where the compiled object's BTF puts it. */
class KernelOpsRecordAccessorsTest {
    @Test
    void everyAccessorReachesItsFieldAsCompiled() throws Exception {
        assertEquals(Set.of("pid", "start_ticks", "added_ns", "kmalloc", "kfree", "kmalloc_mem", "kfree_mem", "sched", "up", "down",
                "lock", "unlock"), RecordAccessors.check(KernelOpsEntryRecord.class, "kernelops.bpf.o", "rt_kernelops_entry"));
        assertEquals(Set.of("traced", "allocs_live", "allocs_dropped"),
                RecordAccessors.check(KernelOpsStateRecord.class, "kernelops.bpf.o", "rt_kernelops_state"));
        assertEquals(Set.of("ready", "up_hook", "down_hook", "lock_hook", "unlock_hook", "lock_function", "reason"),
                RecordAccessors.check(KernelOpsInfoRecord.class, "kernelops.bpf.o", "rt_kernelops_info"));
    }
}
