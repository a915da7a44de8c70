package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import restracker.bpf.BpfMap;
import restracker.kernel.EntityRecord;
import restracker.kernel.Records;
import restracker.kernel.TrackerStructs;
import restracker.testing.Loaded;
import restracker.testing.Workload;

/**
 * The listing reads the tables in batches and /proc only for live processes; what it lists must be
 * exactly what a lookup per key gives, and what /proc says of the real processes, on a full table
 * (placeholders under ids above pid_max, as the benchmarks fill it) with real process and thread
 * entities among them.
 */
class BatchListingTest {
    private static final int FIRST_FAKE_ID = 1 << 23; // pid_max is at most 2^22
    @Loaded
    private static ResourceTracker tracker;

    @Test
    void aBatchListingOfAFullTableIsWhatPerKeyLookupsAndProcSay() throws IOException {
        try (Workload a = Workload.start(); Workload b = Workload.start(); Workload c = Workload.start();
                Workload bystander = Workload.start(); Arena arena = Arena.ofConfined()) {
            int aThread = a.thread(); // before a's registration: its stack is not a's heap growth
            tracker.register(a.pid());
            tracker.register(aThread);
            tracker.register(b.pid());
            tracker.cap(b.pid(), new Quota(64L << 20, 40), false);
            int cThread = c.thread();
            tracker.register(cThread);
            tracker.cap(cThread, new Quota(Quota.UNLIMITED, 30), false);
            a.mmap(6 << 20);
            a.open("/dev/null");
            b.pipe();
            c.open("/dev/null");

            BpfMap entities = TrackerMaps.of(tracker.state()).entities(), quotas = TrackerMaps.of(tracker.state()).quotas();
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment e = TrackerStructs.RT_ENTITY.allocate(arena);
            MemorySegment q = TrackerStructs.RT_QUOTA.allocate(arena);
            // The rest of the table: placeholders (a zero record), some naming a live process as
            // their group, and one stale entry under a live pid (another start time): none is listed.
            int placeholders = Records.MAX_ENTITIES - 5;
            for (int i = 0; i < placeholders; i++) {
                key.set(ValueLayout.JAVA_INT, 0, FIRST_FAKE_ID + i);
                EntityRecord.setTgid(e, i % 100 == 0 ? a.pid() : 0);
                assertEquals(0, entities.update(key, e, BpfMap.NOEXIST), "placeholder " + i);
                if (i % 20 == 0) assertEquals(0, quotas.update(key, q, BpfMap.NOEXIST), "placeholder quota " + i);
            }
            key.set(ValueLayout.JAVA_INT, 0, bystander.pid());
            EntityRecord.setTgid(e, bystander.pid());
            EntityRecord.setStartTicks(e, 1);
            assertEquals(0, entities.update(key, e, BpfMap.NOEXIST), "the stale entry");

            List<Integer> keys = entities.intKeys();
            assertEquals(Records.MAX_ENTITIES, keys.size(), "a full table");
            assertEqualToLookups(entities, TrackerStructs.RT_ENTITY.size(), keys, 1024);
            assertEqualToLookups(entities, TrackerStructs.RT_ENTITY.size(), keys, 1); // buckets of several: ENOSPC, then larger
            assertEqualToLookups(quotas, TrackerStructs.RT_QUOTA.size(), quotas.intKeys(), 1024);

            List<EntityStats> listed = tracker.list();
            List<EntityStats> perKey = new ArrayList<>();
            for (int pid : keys) {
                try {
                    perKey.add(tracker.fetch(pid));
                } catch (TrackerException notTracked) {
                    // a placeholder or the stale entry
                }
            }
            perKey.sort(java.util.Comparator.comparingInt(EntityStats::pid));
            assertEquals(perKey, listed, "the batch listing is the per-key lookups");
            assertEquals(new TreeSet<>(List.of(a.pid(), aThread, b.pid(), cThread)),
                    new TreeSet<>(listed.stream().map(EntityStats::pid).toList()), "the four registered, nothing else");

            Map<Integer, EntityStats> byPid = new HashMap<>();
            for (EntityStats s : listed) byPid.put(s.pid(), s);
            for (Workload w : List.of(a, b)) {
                EntityStats s = byPid.get(w.pid());
                assertEquals(Scope.PROCESS, s.scope());
                assertEquals(w.vmDataBytes(), s.vmDataBytes(), "VmData of /proc/" + w.pid() + "/status");
                assertEquals(w.openFds(), s.openFds(), "entries of /proc/" + w.pid() + "/fd");
                assertEquals(comm(w.pid(), w.pid()), s.comm());
            }
            assertEquals(6L << 20, byPid.get(a.pid()).heapBytes(), "the mapping a made");
            assertEquals(1, byPid.get(a.pid()).openFiles(), "the file a opened");
            assertEquals(2, byPid.get(b.pid()).openFiles(), "a pipe's two ends");
            assertEquals(new Quota(64L << 20, 40), byPid.get(b.pid()).quota());
            for (int[] t : new int[][] {{a.pid(), aThread}, {c.pid(), cThread}}) {
                EntityStats s = byPid.get(t[1]);
                Workload w = t[0] == a.pid() ? a : c;
                assertEquals(Scope.THREAD, s.scope());
                assertEquals(t[0], s.tgid());
                assertEquals(w.vmDataBytes(), s.vmDataBytes(), "its process's VmData");
                assertEquals(w.openFds(), s.openFds(), "its process's descriptor table");
                assertEquals(comm(t[0], t[1]), s.comm());
            }
            assertEquals(new Quota(Quota.UNLIMITED, 30), byPid.get(cThread).quota());
            assertEquals(Quota.NONE, byPid.get(aThread).quota());

            for (int i = 0; i < placeholders; i++) {
                key.set(ValueLayout.JAVA_INT, 0, FIRST_FAKE_ID + i);
                entities.delete(key);
                quotas.delete(key);
            }
            key.set(ValueLayout.JAVA_INT, 0, bystander.pid());
            entities.delete(key);
            for (int pid : List.of(aThread, a.pid(), b.pid(), cThread)) tracker.deregister(pid);
        }
    }

    /** forEach visits each key once, with the value a lookup of the key gives. */
    private static void assertEqualToLookups(BpfMap map, long valueSize, List<Integer> keys, int firstChunk) {
        Map<Integer, byte[]> batch = new HashMap<>();
        long visited = map.forEach(Integer.BYTES, valueSize, firstChunk, (k, v) -> {
            byte[] previous = batch.put(k.get(ValueLayout.JAVA_INT, 0), v.toArray(ValueLayout.JAVA_BYTE));
            assertTrue(previous == null, "key " + k.get(ValueLayout.JAVA_INT, 0) + " visited twice");
        });
        assertEquals(keys.size(), visited, "elements visited (first chunk " + firstChunk + ")");
        Set<Integer> expected = new TreeSet<>(keys);
        assertEquals(expected, new TreeSet<>(batch.keySet()), "the keys get_next_key walks");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT), value = arena.allocate(valueSize, 8);
            for (int k : keys) {
                key.set(ValueLayout.JAVA_INT, 0, k);
                assertTrue(map.lookup(key, value), "key " + k);
                assertArrayEquals(value.toArray(ValueLayout.JAVA_BYTE), batch.get(k), "the value of key " + k);
            }
        }
    }

    /** The task's name as /proc/PID/task/TID/comm gives it. */
    private static String comm(int pid, int tid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/task/" + tid + "/comm")).strip();
    }
}
