package restracker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import restracker.testing.BpfMaps;
import restracker.testing.CHeader;

/**
 * Each constant of the C/Java contract is written twice, in bpf/restracker.h (or meta.h) and in
 * Records: the two must be equal, and the maps of the built object must be as large as the headers
 * say, because Java computes slots and sizes from Records alone.
 */
class ContractConstantsTest {
    /** Records' constants with no RT_ macro: array lengths in the C records, checked against the BTF instead. */
    private static final Set<String> ARRAY_LENGTHS = Set.of("COMM_LEN", "VERSION_LEN");

    @Test
    void everyRecordsConstantEqualsTheHeadersMacro() throws Exception {
        Map<String, Long> c = CHeader.values();
        Set<String> compared = new java.util.TreeSet<>();
        for (Field f : Records.class.getFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isStatic(mod) || !Modifier.isFinal(mod) || ARRAY_LENGTHS.contains(f.getName())) continue;
            if (f.getType() != int.class && f.getType() != long.class) continue;
            String macro = "RT_" + f.getName();
            assertTrue(c.containsKey(macro), "Records." + f.getName() + " has a C counterpart " + macro + " in " + c.keySet());
            assertEquals(c.get(macro).longValue(), ((Number) f.get(null)).longValue(), "Records." + f.getName() + " = " + macro);
            compared.add(f.getName());
        }
        assertTrue(compared.containsAll(Set.of("EVENT_SLOTS", "USER_EVENT_SLOTS", "USER_LOGS", "LOGS", "ALL_EVENT_SLOTS",
                "MAX_ENTITIES", "USER_ENTITIES", "ABI_VERSION", "MAGIC", "UNLIMITED")), "the ring sizes and limits were compared: " + compared);
    }

    @Test
    void theBuiltMapsHaveTheSizesTheHeadersSay() throws Exception {
        assertEquals(CHeader.value("RT_ALL_EVENT_SLOTS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "events"),
                "root's ring and every user's, one after the other");
        assertEquals(CHeader.value("RT_EVENT_SLOTS") + CHeader.value("RT_USER_LOGS") * CHeader.value("RT_USER_EVENT_SLOTS"),
                BpfMaps.declaredMaxEntries("tracker.bpf.o", "events"));
        assertEquals(CHeader.value("RT_LOGS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "logs"));
        assertEquals(1 + CHeader.value("RT_USER_LOGS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "logs"), "root's log and the users'");
        assertEquals(CHeader.value("RT_MAX_ENTITIES"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "entities"));
        assertEquals(CHeader.value("RT_MAX_ENTITIES"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "quotas"));
        assertEquals(CHeader.value("RT_MAX_GROUPS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "groups"));
        assertEquals(CHeader.value("RT_MAX_OBJECTS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "objects"));
        assertEquals(2 * CHeader.value("RT_MAX_ENTITIES"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "objects"),
                "an mm and an fd table for each process entity");
        assertEquals(CHeader.value("RT_DOOMED_SLOTS"), BpfMaps.declaredMaxEntries("tracker.bpf.o", "doomed"));
        assertEquals(1, BpfMaps.declaredMaxEntries("tracker.bpf.o", "state"));
        assertEquals(1, BpfMaps.declaredMaxEntries("tracker.bpf.o", "meta"));
    }

    @Test
    void theArrayLengthsOfTheRecordsMatchTheBtf() {
        assertEquals(Records.COMM_LEN, BpfMaps.declaredArrayLength("tracker.bpf.o", "rt_event", "comm"));
        assertEquals(Records.VERSION_LEN, BpfMaps.declaredArrayLength("tracker.bpf.o", "rt_meta", "version"));
    }
}
