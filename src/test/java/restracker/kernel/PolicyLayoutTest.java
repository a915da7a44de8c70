package restracker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import restracker.testing.BpfMaps;
import restracker.testing.BtfLayout;
import restracker.testing.RecordAccessors;

/**
 * The policy constants of PolicyRecords and the policy records' accessors against bpf/policy.h as
 * compiled: every constant, an enum member in the BTF of the built object, every typed accessor
 * where the BTF puts its field, so that neither side can drift; and the policy maps as large as
 * the constants say. (The records' layouts, generated from that BTF, are LayoutTest's.)
 */
class PolicyLayoutTest {
    /** Every enum member of the object's BTF whose name starts with RT_, by name. */
    static Map<String, Long> enumMembers(String btf) {
        Map<String, Long> members = new HashMap<>();
        Matcher m = Pattern.compile("\\t'(RT_[A-Z0-9_]+)' val=(-?\\d+)\\n").matcher(btf);
        while (m.find()) members.put(m.group(1), Long.parseLong(m.group(2)));
        return members;
    }

    @Test
    void everyConstantIsTheEnumMemberOfTheBtf() throws Exception {
        Map<String, Long> c = enumMembers(BtfLayout.btf("tracker.bpf.o"));
        int compared = 0;
        for (Field f : PolicyRecords.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) continue;
            String name = "RT_" + f.getName();
            assertTrue(c.containsKey(name), "PolicyRecords." + f.getName() + " is the enum member " + name + " in " + c.keySet());
            assertEquals(c.get(name).longValue(), f.getInt(null), name);
            compared++;
        }
        assertEquals(21, compared, "the 21 constants of policy.h (6 limits, 3 selectors, 2 policy flags, 7 entity flags, 3 kinds)");
    }

    @Test
    void theMapsHoldWhatTheConstantsSay() throws Exception {
        assertEquals(2L * PolicyRecords.MAX_POLICIES, BpfMaps.declaredMaxEntries("tracker.bpf.o", "policies"),
                "a whole set and its replacement");
        for (String index : new String[] {"policy_exe", "policy_cgroup", "policy_uid"}) {
            assertEquals((long) PolicyRecords.MAX_SELECTOR_KEYS, BpfMaps.declaredMaxEntries("tracker.bpf.o", index), index);
        }
        assertEquals(1, BpfMaps.declaredMaxEntries("tracker.bpf.o", "policy_state"));
    }

    @Test
    void everyTypedAccessorReachesItsFieldAsCompiled() throws Exception {
        RecordAccessors.check(PolicyRecord.class, "tracker.bpf.o", "rt_policy");
        RecordAccessors.check(PolicySetRecord.class, "tracker.bpf.o", "rt_policy_set");
        RecordAccessors.check(ExeKeyRecord.class, "tracker.bpf.o", "rt_exe_key");
        RecordAccessors.check(PolicyStateRecord.class, "tracker.bpf.o", "rt_policy_state");
    }
}
