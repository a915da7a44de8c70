package restracker.kernel;

/**
 * The enum constants of bpf/restracker.h (RT_NAME here NAME), which ContractConstantsTest compares
 * with the BTF of the built object so that the two sides cannot drift apart, and the meta record's
 * values, user space's alone. The records' layouts are generated from that BTF (TrackerStructs);
 * each record is read and written through its record class (EntityRecord, QuotaRecord, EventRecord,
 * ObjectRecord, LogRecord, StateRecord, MetaRecord).
 */
public final class Records {
    /**
     * The layout version the meta record shows, user space's alone (the BPF programs never read
     * meta): bump it whenever a pinned map's layout or meaning changes.
     */
    public static final int ABI_VERSION = 7;
    /** The meta record's first field in a complete pin set: "RTRC". */
    public static final int MAGIC = 0x52545243;
    public static final int MAX_ENTITIES = 65536;
    /** A process entity's mm and fd table, by address (the objects map). */
    public static final int MAX_OBJECTS = 2 * MAX_ENTITIES;
    /** Owners the kernel side queues to be signalled from another task's context. */
    public static final int DOOMED_SLOTS = 1024;
    /** Root's kill log. */
    public static final int EVENT_SLOTS = 4096;
    /** One user's share: entities it may register, and its own kill log (logs 1..USER_LOGS; 0 is root's). */
    public static final int USER_ENTITIES = 1024, USER_LOGS = 128, USER_EVENT_SLOTS = 256;
    public static final int LOGS = 1 + USER_LOGS, ALL_EVENT_SLOTS = EVENT_SLOTS + USER_LOGS * USER_EVENT_SLOTS;
    public static final int Q_ROOT = 1, Q_USER = 2;
    public static final int SCOPE_PROCESS = 1, SCOPE_THREAD = 2;
    public static final int F_REBASE_ON_EXEC = 1, F_KILLED = 2, F_BOUND = 4, F_DOOMED = 8;
    public static final int OBJ_MM = 1, OBJ_FILES = 2;
    /** An event's syscall_nr when no syscall made the change: `cap` itself, an io_uring completion. */
    public static final int NR_CAP = -1, NR_IO_URING = -2;
    public static final int REASON_HEAP = 1, REASON_FILES = 2, REASON_PRIVILEGES = 3;
    public static final long UNLIMITED = -1;
    /** What the forget_entity program returns: nothing under the id; removed; nothing done (a thread entity exists). */
    public static final int FORGET_NONE = 0, FORGET_DONE = 1, FORGET_THREADS = 2;

    private Records() {}
}
