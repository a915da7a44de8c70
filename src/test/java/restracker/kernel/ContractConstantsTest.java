package restracker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import restracker.kernelops.KernelOpsRecords;
import restracker.testing.BpfMaps;
import restracker.testing.BtfLayout;

/**
 * Each constant of the C/Java contract is an enum constant of the C headers (bpf/restracker.h,
 * bpf/kernelops.h, bpf/policy.h) and a copy in Records, KernelOpsRecords or PolicyRecords: the copy must equal the value the built
 * object's BTF carries, and the maps of the built object must be as large as those values say,
 * because Java computes slots and sizes from its copies alone.
 */
class ContractConstantsTest {
    /** User space's alone: it writes and checks them in the meta record; the BPF programs never see them. */
    private static final Set<String> JAVA_ONLY = Set.of("ABI_VERSION", "MAGIC");
    /** Constants of the kernel side that user space has no use for. */
    private static final Set<String> C_ONLY = Set.of("RT_MAX_GROUPS");

    @Test
    void everyRecordsConstantEqualsTheObjectsEnum() throws Exception {
        Map<String, Long> btf = BtfLayout.enumValues("tracker.bpf.o");
        Set<String> compared = compare(Records.class, "RT_", btf);
        compared.addAll(compare(PolicyRecords.class, "RT_", btf));
        assertTrue(compared.containsAll(Set.of("RT_EVENT_SLOTS", "RT_USER_EVENT_SLOTS", "RT_USER_LOGS", "RT_LOGS",
                "RT_ALL_EVENT_SLOTS", "RT_MAX_ENTITIES", "RT_USER_ENTITIES", "RT_UNLIMITED", "RT_NR_CAP", "RT_F_DOOMED")),
                "the ring sizes and limits were compared: " + compared);
        Set<String> uncopied = new TreeSet<>();
        for (String name : btf.keySet()) {
            if (name.startsWith("RT_") && !compared.contains(name) && !C_ONLY.contains(name)) uncopied.add(name);
        }
        assertEquals(Set.of(), uncopied, "constants of tracker.bpf.o with no copy in Records or PolicyRecords");
    }

    @Test
    void everyTracerRecordsConstantEqualsBothObjectsEnums() throws Exception {
        for (String object : new String[] {"kernelops.bpf.o", "kernelops_hooks.bpf.o"}) {
            Map<String, Long> btf = BtfLayout.enumValues(object);
            Set<String> compared = compare(KernelOpsRecords.class, "RT_KERNELOPS_", btf);
            assertTrue(compared.containsAll(Set.of("RT_KERNELOPS_MAX_PIDS", "RT_KERNELOPS_HOOK_NONE", "RT_KERNELOPS_REASON_LEN")),
                    object + ": " + compared);
        }
    }

    @Test
    void theBuiltMapsHaveTheSizesTheEnumsSay() throws Exception {
        Map<String, Long> c = BtfLayout.enumValues("tracker.bpf.o");
        assertEquals(c.get("RT_ALL_EVENT_SLOTS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "events"),
                "root's ring and every user's, one after the other");
        assertEquals(c.get("RT_EVENT_SLOTS") + c.get("RT_USER_LOGS") * c.get("RT_USER_EVENT_SLOTS"),
                BpfMaps.declaredMaxEntries("tracker.bpf.o", "events"));
        assertEquals(c.get("RT_LOGS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "logs"));
        assertEquals(1 + c.get("RT_USER_LOGS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "logs"), "root's log and the users'");
        assertEquals(c.get("RT_MAX_ENTITIES"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "entities"));
        assertEquals(c.get("RT_MAX_ENTITIES"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "quotas"));
        assertEquals(c.get("RT_MAX_GROUPS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "groups"));
        assertEquals(c.get("RT_MAX_OBJECTS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "objects"));
        assertEquals(2 * c.get("RT_MAX_ENTITIES"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "objects"),
                "an mm and an fd table for each process entity");
        assertEquals(c.get("RT_DOOMED_SLOTS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "doomed"));
        assertEquals(1, BpfMaps.declaredMaxEntries("tracker.bpf.o", "state"));
        assertEquals(1, BpfMaps.declaredMaxEntries("tracker.bpf.o", "meta"));
    }

    @Test
    void theArrayLengthsOfTheRecordsMatchTheBtf() {
        assertEquals(KernelOpsRecords.FUNCTION_LEN, BpfMaps.declaredArrayLength("kernelops.bpf.o", "rt_kernelops_info", "lock_function"));
        assertEquals(KernelOpsRecords.REASON_LEN, BpfMaps.declaredArrayLength("kernelops.bpf.o", "rt_kernelops_info", "reason"));
    }

    /** Compares every int or long constant of records (but user space's own) with PREFIX + its name; returns the C names. */
    private static Set<String> compare(Class<?> records, String prefix, Map<String, Long> btf) throws Exception {
        Set<String> compared = new TreeSet<>();
        for (Field f : records.getFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isStatic(mod) || !Modifier.isFinal(mod) || JAVA_ONLY.contains(f.getName())) continue;
            if (f.getType() != int.class && f.getType() != long.class) continue;
            String c = prefix + f.getName();
            assertTrue(btf.containsKey(c), records.getSimpleName() + "." + f.getName() + " has a C counterpart " + c
                    + " among the enum constants the object carries: " + btf.keySet());
            assertEquals(btf.get(c).longValue(), ((Number) f.get(null)).longValue(), records.getSimpleName() + "." + f.getName() + " = " + c);
            compared.add(c);
        }
        return compared;
    }
}
