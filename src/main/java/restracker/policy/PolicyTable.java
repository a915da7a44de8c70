package restracker.policy;

import static restracker.sys.Errno.ALREADY;
import static restracker.sys.Errno.ENOSPC;
import static restracker.sys.Errno.ESRCH;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import restracker.kernel.DirLock;
import restracker.kernel.EntityRecord;
import restracker.kernel.PinnedState;
import restracker.kernel.PolicyRecord;
import restracker.kernel.PolicyRecords;
import restracker.kernel.PolicyStateRecord;
import restracker.kernel.Records;
import restracker.sys.Libc;
import restracker.sys.NativeException;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerException;
import restracker.tracker.TrackerMaps;

/**
 * The policies loaded in the kernel (the tracker's pinned policy maps): add, remove, list with
 * their counters, and replace the whole set. Every change is computed in full first (paths
 * resolved, capacity checked), so a change that cannot be made changes nothing; then the new
 * policies are written, each selector key's list of policies is rewritten in one map update, and
 * the policies that went are deleted, so that an exec meanwhile is matched by the old set or the
 * new one (for an instant both: the tightest applies), never by neither.
 *
 * <p>After a change, processes held by a policy that went are let go (their entities removed), and
 * every running process that a policy matches and that no entity holds becomes one of its, counted
 * from that moment (the tracker's hold_policies task iterator: the kernel's own matching, run over
 * every task).
 */
public final class PolicyTable {

    private final ResourceTracker tracker;
    private final PinnedState state;
    private final TrackerMaps maps;
    private MemorySegment shared;

    /** A policy as loaded: its id (never reused while the tracker stays loaded) and its counters. */
    public record Loaded(int id, Policy policy, Selectors selectors, long held, long killed, long audited, long warned) {}

    public PolicyTable(ResourceTracker tracker) {
        this.tracker = tracker;
        this.state = tracker.state();
        this.maps = TrackerMaps.of(state);
    }

    /** Adds p; a policy of that name already loaded is refused with 23. */
    public void add(Policy p) {
        change(current -> {
            if (current.containsKey(p.name())) {
                throw new TrackerException(ALREADY, "a policy named " + p.name() + " is already loaded");
            }
            List<Policy> next = new ArrayList<>(current.values().stream().map(Loaded::policy).toList());
            next.add(p);
            return next;
        });
    }

    /** Removes the policy named name (ESRCH when none is) and lets go of the processes it held. */
    public void remove(String name) {
        change(current -> {
            if (!current.containsKey(name)) throw new TrackerException(ESRCH, "no policy named " + name + " is loaded");
            return current.values().stream().map(Loaded::policy).filter(p -> !p.name().equals(name)).toList();
        });
    }

    /**
     * Replaces the whole set with policies, atomically as described above; policies loaded and
     * unchanged (same definition, same resolved selectors) stay as they are, with their counters and
     * the processes they hold.
     */
    public void replaceAll(List<Policy> policies) {
        Set<String> names = new HashSet<>();
        for (Policy p : policies) {
            if (!names.add(p.name())) throw new IllegalArgumentException("the set names policy " + p.name() + " twice");
        }
        change(current -> policies);
    }

    /** The policies loaded, by id (the order they were added in). */
    public List<Loaded> list() {
        try (Arena arena = Arena.ofConfined()) {
            Map<Integer, Long> held = heldCounts(arena);
            return list(arena, (id, name) -> held.getOrDefault(id, 0L));
        }
    }

    /**
     * As {@link #list()}, with the processes each policy holds counted by the caller, from a
     * listing of the entities it has read already (each entity names the policy holding it).
     */
    public List<Loaded> list(Map<String, Long> heldByName) {
        try (Arena arena = Arena.ofConfined()) {
            return list(arena, (id, name) -> heldByName.getOrDefault(name, 0L));
        }
    }

    private interface Held {
        long of(int id, String name);
    }

    private List<Loaded> list(Arena arena, Held held) {
        List<Loaded> all = new ArrayList<>();
        for (int id : maps.policies().intKeys()) read(arena, id, held).ifPresent(all::add);
        all.sort(java.util.Comparator.comparingInt(Loaded::id));
        return all;
    }

    /** How many policies are loaded. */
    public int count() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = PolicyStateRecord.allocate(arena);
            if (!maps.policyState().lookup(arena.allocate(ValueLayout.JAVA_INT), v)) return 0;
            return PolicyStateRecord.policies(v);
        }
    }

    /** The name of the policy with this id, if it is loaded. */
    public Optional<String> nameOf(int id) {
        if (id == 0) return Optional.empty();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = PolicyRecord.allocate(arena);
            if (!maps.policies().lookup(arena.allocateFrom(ValueLayout.JAVA_INT, id), v)) return Optional.empty();
            return Optional.of(PolicyRecord.name(v));
        }
    }

    /** The policy holding pid's entity, if one does. */
    public Optional<String> holderOf(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment e = EntityRecord.allocate(arena);
            if (!maps.entities().lookup(arena.allocateFrom(ValueLayout.JAVA_INT, pid), e)) return Optional.empty();
            return nameOf(EntityRecord.policy(e));
        }
    }

    private interface Plan {
        List<Policy> next(Map<String, Loaded> current);
    }

    private void change(Plan plan) {
        Set<Integer> removed;
        try (DirLock lock = state.lock(); Arena arena = Arena.ofConfined()) {
            Map<String, Loaded> current = new LinkedHashMap<>();
            for (Loaded l : list()) current.put(l.policy().name(), l);
            List<Policy> next = plan.next(current);
            if (next.size() > PolicyRecords.MAX_POLICIES) {
                throw new TrackerException(ENOSPC, "cannot load " + next.size() + " policies: restracker holds at most "
                        + PolicyRecords.MAX_POLICIES);
            }
            // Resolved in full before anything is written: a path that does not resolve changes nothing.
            Map<String, Selectors> resolved = new HashMap<>();
            for (Policy p : next) resolved.put(p.name(), Selectors.resolve(p));
            List<Loaded> kept = new ArrayList<>();
            List<Policy> added = new ArrayList<>();
            for (Policy p : next) {
                Loaded l = current.get(p.name());
                Selectors sel = resolved.get(p.name());
                if (l != null && l.policy().equals(asStored(p, sel)) && l.selectors().equals(sel)) kept.add(l);
                else added.add(p);
            }
            Set<Integer> keptIds = new HashSet<>();
            kept.forEach(l -> keptIds.add(l.id()));
            removed = new HashSet<>();
            for (Loaded l : current.values()) if (!keptIds.contains(l.id())) removed.add(l.id());
            // What a policy needs is hooked before it can match anything.
            if (!next.isEmpty()) tracker.fitHooks(true);
            write(arena, current, kept, added, resolved, removed);
        }
        release(removed);
        state.runIterator(ResourceTracker.HOLD_ITERATOR);
        tracker.fitHooks();
    }

    /** p as it reads back from the kernel: a user name is kept as its uid. */
    private static Policy asStored(Policy p, Selectors s) {
        Match m = p.match();
        if (m.user().isEmpty()) return p;
        return new Policy(p.name(), new Match(m.exe(), m.children(), m.cgroup(), java.util.OptionalInt.of(s.uid()),
                Optional.empty()), p.quota(), p.mode(), p.warnPercent());
    }

    private void write(Arena arena, Map<String, Loaded> current, List<Loaded> kept, List<Policy> added,
            Map<String, Selectors> resolved, Set<Integer> removed) {
        // Each selector key's list as it will be, checked against the key's capacity first.
        Map<IndexKey, List<Integer>> lists = new LinkedHashMap<>();
        for (Loaded l : current.values()) lists.computeIfAbsent(IndexKey.of(l.selectors()), k -> new ArrayList<>());
        for (Loaded l : kept) lists.get(IndexKey.of(l.selectors())).add(l.id());
        int next = PolicyStateRecord.nextId(shared());
        if (next == 0) next = 1;
        Map<Integer, Policy> newIds = new LinkedHashMap<>();
        for (Policy p : added) {
            int id = next++;
            newIds.put(id, p);
            lists.computeIfAbsent(IndexKey.of(resolved.get(p.name())), k -> new ArrayList<>()).add(id);
        }
        for (var e : lists.entrySet()) {
            if (e.getValue().size() > PolicyRecords.SET_POLICIES) {
                throw new TrackerException(ENOSPC, "cannot load " + e.getValue().size() + " policies that select "
                        + e.getKey().describe() + ": restracker matches at most " + PolicyRecords.SET_POLICIES
                        + " policies per executable, cgroup or uid selected first");
            }
        }
        PolicyStateRecord.setNextId(shared(), next);
        List<Integer> written = new ArrayList<>();
        try {
            for (var e : newIds.entrySet()) {
                writePolicy(arena, e.getKey(), e.getValue(), resolved.get(e.getValue().name()));
                written.add(e.getKey());
            }
        } catch (RuntimeException ex) {
            for (int id : written) maps.policies().delete(key(arena, id));
            throw ex;
        }
        PolicyStateRecord.addPolicies(shared(), newIds.size());
        for (var e : lists.entrySet()) e.getKey().write(arena, maps, e.getValue());
        for (int id : removed) {
            if (maps.policies().delete(key(arena, id))) {
                PolicyStateRecord.addPolicies(shared(), -1);
            }
        }
    }

    private void writePolicy(Arena arena, int id, Policy p, Selectors s) {
        MemorySegment v = PolicyRecord.allocate(arena);
        PolicyRecord.setId(v, id);
        PolicyRecord.setSelectors(v, s.kinds());
        PolicyRecord.setFlags(v, (p.match().children() ? PolicyRecords.PF_CHILDREN : 0)
                | (p.mode() == Mode.AUDIT ? PolicyRecords.PF_AUDIT : 0));
        PolicyRecord.setWarnPercent(v, p.warnPercent().orElse(0));
        PolicyRecord.setExeDev(v, s.exeDev());
        PolicyRecord.setUid(v, s.uid());
        PolicyRecord.setExeIno(v, s.exeIno());
        PolicyRecord.setCgroupId(v, s.cgroupId());
        PolicyRecord.setHeap(v, p.quota().heapBytes());
        PolicyRecord.setFiles(v, p.quota().files());
        PolicyRecord.setName(v, p.name());
        PolicyRecord.setExe(v, p.match().exe().map(Object::toString).orElse(""));
        PolicyRecord.setCgroup(v, p.match().cgroup().map(Object::toString).orElse(""));
        int rc = maps.policies().update(key(arena, id), v, restracker.bpf.BpfMap.NOEXIST);
        if (rc != 0) throw new NativeException(rc, "cannot write policy " + p.name() + " into restracker's tables");
    }

    private Optional<Loaded> read(Arena arena, int id, Held held) {
        MemorySegment v = PolicyRecord.allocate(arena);
        if (!maps.policies().lookup(key(arena, id), v)) return Optional.empty();
        int kinds = PolicyRecord.selectors(v), flags = PolicyRecord.flags(v);
        String exe = PolicyRecord.exe(v);
        String cgroup = PolicyRecord.cgroup(v);
        Match m = new Match(exe.isEmpty() ? Optional.empty() : Optional.of(java.nio.file.Path.of(exe)),
                (flags & PolicyRecords.PF_CHILDREN) != 0,
                cgroup.isEmpty() ? Optional.empty() : Optional.of(java.nio.file.Path.of(cgroup)),
                (kinds & PolicyRecords.SEL_UID) != 0 ? java.util.OptionalInt.of(PolicyRecord.uid(v)) : java.util.OptionalInt.empty(),
                Optional.empty());
        int warn = PolicyRecord.warnPercent(v);
        Policy p = new Policy(PolicyRecord.name(v), m,
                new restracker.tracker.Quota(PolicyRecord.heap(v), PolicyRecord.files(v)),
                (flags & PolicyRecords.PF_AUDIT) != 0 ? Mode.AUDIT : Mode.ENFORCE,
                warn == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(warn));
        Selectors s = new Selectors(kinds, PolicyRecord.exeDev(v), PolicyRecord.exeIno(v), PolicyRecord.cgroupId(v),
                PolicyRecord.uid(v));
        return Optional.of(new Loaded(id, p, s, held.of(id, p.name()), PolicyRecord.killed(v), PolicyRecord.audited(v),
                PolicyRecord.warned(v)));
    }

    /** Live entities by the policy holding them (read from the entities, so never a drifting counter). */
    private Map<Integer, Long> heldCounts(Arena arena) {
        Map<Integer, Long> held = new HashMap<>();
        MemorySegment e = EntityRecord.allocate(arena);
        for (int pid : maps.entities().intKeys()) {
            if (!maps.entities().lookup(key(arena, pid), e)) continue;
            int policy = EntityRecord.policy(e);
            if (policy != 0) held.merge(policy, 1L, Long::sum);
        }
        return held;
    }

    /** Lets go of the processes held by a policy that went (their entities and quotas removed). */
    private void release(Set<Integer> removed) {
        if (removed.isEmpty()) return;
        List<Integer> pids = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment e = EntityRecord.allocate(arena);
            for (int pid : maps.entities().intKeys()) {
                if (!maps.entities().lookup(key(arena, pid), e)) continue;
                if (removed.contains(EntityRecord.policy(e)) || removed.contains(EntityRecord.heapPolicy(e))
                        || removed.contains(EntityRecord.filesPolicy(e))) {
                    pids.add(pid);
                }
            }
        }
        for (int pid : pids) {
            try {
                tracker.deregister(pid);
            } catch (TrackerException gone) {
                // exited meanwhile: the kernel side removed it
            }
        }
    }

    /**
     * The policy state's memory (mapped on the first change): the kernel side adds to its counters
     * atomically, so user space changes its own fields in place rather than writing the record.
     */
    private MemorySegment shared() {
        if (shared == null) shared = maps.policyState().mapShared(Libc.pageSize());
        return shared;
    }

    private static MemorySegment key(Arena arena, int id) {
        return arena.allocateFrom(ValueLayout.JAVA_INT, id);
    }
}
