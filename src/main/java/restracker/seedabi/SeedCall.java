package restracker.seedabi;

import java.util.Optional;

/**
 * The system calls of the original kernel interface, in their order from the base number (548 by
 * default): a sanity call, then the tracker's five operations. Each takes its arguments as the
 * original did: pid_t pids, a `struct per_proc_resource *` for fetch, quotas as longs (heap in MB).
 */
public enum SeedCall {
    /** Does nothing and returns 0: a program's check that the interface is there. */
    SANITY,
    /** register(pid_t pid) */
    REGISTER,
    /** fetch(struct per_proc_resource *stats, pid_t pid) */
    FETCH,
    /** deregister(pid_t pid) */
    DEREGISTER,
    /** resource_cap(pid_t pid, long heap_quota_mb, long file_quota) */
    RESOURCE_CAP,
    /** resource_reset(pid_t pid) */
    RESOURCE_RESET;

    /** How many numbers the interface takes from its base. */
    public static final int COUNT = values().length;

    /** The call that number stands for, with the interface at base. */
    public static Optional<SeedCall> of(int number, int base) {
        int i = number - base;
        return i >= 0 && i < COUNT ? Optional.of(values()[i]) : Optional.empty();
    }
}
