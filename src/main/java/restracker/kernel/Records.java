package restracker.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;

/**
 * The records of bpf/restracker.h, field for field, and its enum constants (RT_NAME here NAME);
 * LayoutTest and ContractConstantsTest compare them with the BTF of the built object so that the two
 * sides cannot drift apart. Each record is read and written through its record class
 * (EntityRecord, QuotaRecord, EventRecord, ObjectRecord, LogRecord, StateRecord, MetaRecord).
 */
public final class Records {
    /**
     * The layout version the meta record shows, user space's alone (the BPF programs never read
     * meta): bump it whenever a pinned map's layout or meaning changes.
     */
    public static final int ABI_VERSION = 6;
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
    public static final int COMM_LEN = 16, VERSION_LEN = 32;

    public static final Struct ENTITY = Struct.of("rt_entity",
            JAVA_INT.withName("id"), JAVA_INT.withName("tgid"), JAVA_INT.withName("scope"),
            JAVA_INT.withName("flags"), JAVA_LONG.withName("start_ticks"), JAVA_LONG.withName("base_heap"),
            JAVA_LONG.withName("base_files"), JAVA_LONG.withName("heap"), JAVA_LONG.withName("files"),
            JAVA_LONG.withName("enter_heap"), JAVA_LONG.withName("enter_files"),
            JAVA_INT.withName("in_syscall"), JAVA_INT.withName("owner_uid"), JAVA_LONG.withName("registered_ns"),
            JAVA_INT.withName("log"), JAVA_INT.withName("pad"), JAVA_LONG.withName("mm_key"),
            JAVA_LONG.withName("files_key"), JAVA_LONG.withName("vm_data"), JAVA_LONG.withName("vm_stack"),
            JAVA_INT.withName("policy"), JAVA_INT.withName("policy_flags"), JAVA_INT.withName("heap_policy"),
            JAVA_INT.withName("files_policy"), JAVA_LONG.withName("heap_warn"), JAVA_LONG.withName("files_warn"));

    public static final Struct OBJECT = Struct.of("rt_object",
            JAVA_INT.withName("tgid"), JAVA_INT.withName("kind"), JAVA_LONG.withName("guard"),
            JAVA_LONG.withName("leader"));

    public static final Struct QUOTA = Struct.of("rt_quota",
            JAVA_LONG.withName("heap"), JAVA_LONG.withName("files"), JAVA_INT.withName("log"),
            JAVA_INT.withName("layers"), JAVA_LONG.withName("root_heap"), JAVA_LONG.withName("root_files"),
            JAVA_LONG.withName("user_heap"), JAVA_LONG.withName("user_files"), JAVA_INT.withName("user_uid"),
            JAVA_INT.withName("user_log"));

    public static final Struct LOG = Struct.of("rt_log",
            JAVA_INT.withName("uid"), JAVA_INT.withName("entities"), JAVA_LONG.withName("logged"));

    public static final Struct EVENT = Struct.of("rt_event",
            JAVA_LONG.withName("seq"), JAVA_LONG.withName("log_seq"), JAVA_LONG.withName("time_ns"), JAVA_INT.withName("pid"),
            JAVA_INT.withName("tid"), JAVA_INT.withName("entity"), JAVA_INT.withName("scope"),
            JAVA_INT.withName("reason"), JAVA_INT.withName("syscall_nr"), JAVA_LONG.withName("usage"),
            JAVA_LONG.withName("limit"), MemoryLayout.sequenceLayout(COMM_LEN, java.lang.foreign.ValueLayout.JAVA_BYTE).withName("comm"),
            JAVA_INT.withName("policy"), JAVA_INT.withName("kind"));

    public static final Struct STATE = Struct.of("rt_state",
            JAVA_LONG.withName("event_seq"), JAVA_LONG.withName("signal_failures"),
            JAVA_LONG.withName("stale_entries"), JAVA_LONG.withName("quota_drops"),
            JAVA_LONG.withName("events_reclaimed"), JAVA_LONG.withName("doomed"), JAVA_LONG.withName("doomed_queued"),
            JAVA_LONG.withName("objects"));

    public static final Struct META = Struct.of("rt_meta",
            JAVA_INT.withName("magic"), JAVA_INT.withName("abi_version"), JAVA_LONG.withName("loaded_ns"),
            MemoryLayout.sequenceLayout(VERSION_LEN, java.lang.foreign.ValueLayout.JAVA_BYTE).withName("version"),
            JAVA_INT.withName("links"), JAVA_INT.withName("pad"));

    private Records() {}
}
