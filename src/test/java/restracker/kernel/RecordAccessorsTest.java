package restracker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import restracker.testing.RecordAccessors;

/**
 * Every typed accessor of the tracker's record classes reads and writes its field where the
 * compiled object's BTF puts it (a handle wired to the wrong field, or to a field the C struct
 * lacks, fails here).
 */
class RecordAccessorsTest {
    @Test
    void everyAccessorReachesItsFieldAsCompiled() throws Exception {
        assertEquals(new TreeSet<>(Set.of("id", "tgid", "scope", "flags", "start_ticks", "base_heap", "base_files", "heap", "files",
                "owner_uid", "registered_ns", "log", "mm_key", "files_key", "vm_data", "vm_stack", "policy", "policy_flags",
                "heap_policy", "files_policy", "heap_warn", "files_warn")),
                RecordAccessors.check(EntityRecord.class, "tracker.bpf.o", "rt_entity"));
        assertEquals(new TreeSet<>(Set.of("heap", "files", "log", "layers", "root_heap", "root_files", "user_heap", "user_files",
                "user_uid", "user_log")), RecordAccessors.check(QuotaRecord.class, "tracker.bpf.o", "rt_quota"));
        assertEquals(new TreeSet<>(Set.of("seq", "log_seq", "time_ns", "pid", "tid", "entity", "scope", "reason", "syscall_nr",
                "usage", "limit", "comm", "policy", "kind")), RecordAccessors.check(EventRecord.class, "tracker.bpf.o", "rt_event"));
        assertEquals(Set.of("tgid"), RecordAccessors.check(ObjectRecord.class, "tracker.bpf.o", "rt_object"));
        assertEquals(Set.of("magic", "abi_version", "loaded_ns", "version", "links"),
                RecordAccessors.check(MetaRecord.class, "tracker.bpf.o", "rt_meta"));
        assertEquals(Set.of("event_seq", "stale_entries", "quota_drops", "events_reclaimed", "doomed", "objects"),
                RecordAccessors.check(StateRecord.class, "tracker.bpf.o", "rt_state"));
        assertEquals(Set.of("uid", "entities", "logged"), RecordAccessors.check(LogRecord.class, "tracker.bpf.o", "rt_log"));
    }
}
