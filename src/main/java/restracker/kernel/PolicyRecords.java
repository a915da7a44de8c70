package restracker.kernel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;

/**
 * The policy records and constants of bpf/policy.h, field for field. The constants are C enums
 * there, so the BTF of the built object carries them: PolicyLayoutTest compares both the records
 * and every constant here with it.
 */
public final class PolicyRecords {
    /** enum rt_policy_limits */
    public static final int MAX_POLICIES = 10240, SET_POLICIES = 31, MAX_SELECTOR_KEYS = 2 * 10240, CGROUP_DEPTH = 16,
            POLICY_NAME_LEN = 64, POLICY_PATH_LEN = 256;
    /** enum rt_policy_selector */
    public static final int SEL_EXE = 1, SEL_CGROUP = 2, SEL_UID = 4;
    /** enum rt_policy_flag */
    public static final int PF_CHILDREN = 1, PF_AUDIT = 2;
    /** enum rt_entity_policy_flag */
    public static final int PE_INHERIT = 1, PE_AUDIT_HEAP = 2, PE_AUDIT_FILES = 4, PE_NOTED_HEAP = 8, PE_NOTED_FILES = 16,
            PE_WARNED_HEAP = 32, PE_WARNED_FILES = 64;
    /** enum rt_event_kind */
    public static final int KIND_QUOTA = 0, KIND_AUDIT = 1, KIND_WARN = 2;

    public static final Struct POLICY = Struct.of("rt_policy",
            JAVA_INT.withName("id"), JAVA_INT.withName("selectors"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("warn_percent"), JAVA_INT.withName("exe_dev"), JAVA_INT.withName("uid"),
            JAVA_LONG.withName("exe_ino"), JAVA_LONG.withName("cgroup_id"), JAVA_LONG.withName("heap"),
            JAVA_LONG.withName("files"), JAVA_LONG.withName("killed"), JAVA_LONG.withName("audited"),
            JAVA_LONG.withName("warned"), MemoryLayout.sequenceLayout(POLICY_NAME_LEN, JAVA_BYTE).withName("name"),
            MemoryLayout.sequenceLayout(POLICY_PATH_LEN, JAVA_BYTE).withName("exe"),
            MemoryLayout.sequenceLayout(POLICY_PATH_LEN, JAVA_BYTE).withName("cgroup"));

    public static final Struct POLICY_SET = Struct.of("rt_policy_set",
            JAVA_INT.withName("count"), MemoryLayout.sequenceLayout(SET_POLICIES, JAVA_INT).withName("ids"));

    public static final Struct EXE_KEY = Struct.of("rt_exe_key",
            JAVA_INT.withName("dev"), JAVA_INT.withName("pad"), JAVA_LONG.withName("ino"));

    public static final Struct POLICY_STATE = Struct.of("rt_policy_state",
            JAVA_INT.withName("policies"), JAVA_INT.withName("next_id"), JAVA_INT.withName("max_policies"),
            JAVA_INT.withName("pad"), JAVA_LONG.withName("held"), JAVA_LONG.withName("refused"),
            JAVA_LONG.withName("notices"));

    private PolicyRecords() {}
}
