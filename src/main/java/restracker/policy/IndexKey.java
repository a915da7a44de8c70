package restracker.policy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import restracker.bpf.BpfMap;
import restracker.kernel.ExeKeyRecord;
import restracker.kernel.PolicyRecords;
import restracker.kernel.PolicySetRecord;
import restracker.sys.NativeException;
import restracker.tracker.TrackerMaps;

/**
 * The one selector key a policy is indexed under in the kernel: its cgroup if it has one, else its
 * executable, else its uid. The kernel side looks up a task's keys and checks only the policies
 * listed there, so matching costs the same few lookups whatever the number of policies.
 */
sealed interface IndexKey {
    record Cgroup(long id) implements IndexKey {}

    record Exe(int dev, long ino) implements IndexKey {}

    record Uid(int uid) implements IndexKey {}

    static IndexKey of(Selectors s) {
        if ((s.kinds() & PolicyRecords.SEL_CGROUP) != 0) return new Cgroup(s.cgroupId());
        if ((s.kinds() & PolicyRecords.SEL_EXE) != 0) return new Exe(s.exeDev(), s.exeIno());
        return new Uid(s.uid());
    }

    default String describe() {
        return switch (this) {
            case Cgroup c -> "cgroup id " + c.id();
            case Exe e -> "the executable with inode " + e.ino();
            case Uid u -> "uid " + u.uid();
        };
    }

    /** Writes ids as this key's list in one map update (none: the key is deleted). */
    default void write(Arena arena, TrackerMaps maps, List<Integer> ids) {
        BpfMap map = switch (this) {
            case Cgroup c -> maps.policyCgroup();
            case Exe e -> maps.policyExe();
            case Uid u -> maps.policyUid();
        };
        MemorySegment key = switch (this) {
            case Cgroup c -> arena.allocateFrom(ValueLayout.JAVA_LONG, c.id());
            case Exe e -> {
                MemorySegment k = ExeKeyRecord.allocate(arena);
                ExeKeyRecord.setDev(k, e.dev());
                ExeKeyRecord.setIno(k, e.ino());
                yield k;
            }
            case Uid u -> arena.allocateFrom(ValueLayout.JAVA_INT, u.uid());
        };
        if (ids.isEmpty()) {
            map.delete(key);
            return;
        }
        MemorySegment set = PolicySetRecord.allocate(arena);
        PolicySetRecord.setCount(set, ids.size());
        PolicySetRecord.setIds(set, ids.stream().mapToInt(Integer::intValue).toArray());
        int rc = map.update(key, set, BpfMap.ANY);
        if (rc != 0) throw new NativeException(rc, "cannot write the policies that select " + describe());
    }
}
