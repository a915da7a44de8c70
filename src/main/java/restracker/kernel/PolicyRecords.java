package restracker.kernel;

/**
 * The constants of bpf/policy.h. They are C enums there, so the BTF of the built object carries
 * them: PolicyLayoutTest compares every constant here with it. The policy records' layouts are
 * generated from that BTF (TrackerStructs.RT_POLICY, ...); their accessors are PolicyRecord,
 * PolicySetRecord, ExeKeyRecord and PolicyStateRecord.
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

    private PolicyRecords() {}
}
