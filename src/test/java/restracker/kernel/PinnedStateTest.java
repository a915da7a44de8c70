package restracker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import restracker.bpf.BpfMap;
import restracker.sys.Errno;
import restracker.testing.BpfMaps;
import restracker.testing.TestKernel;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerHooks;
import restracker.tracker.TrackerMaps;

/** Loading, reopening, unloading, and refusing a pin set it cannot read. */
class PinnedStateTest {
    /** The tracepoint variant: these are the pin set's mechanics, and it loads in seconds under the qemu lane. */
    private static final Blueprint BP = ResourceTracker.blueprint(List.of(TrackerHooks.TRACEPOINT));
    private Path root;
    private Path dir;

    @BeforeEach
    void fresh() {
        TestKernel.requireBpf();
        root = TestKernel.pinDir(PinnedStateTest.class);
        dir = root.resolve(BP.name());
        PinnedState.unload(root);
    }

    @AfterEach
    void cleanUp() {
        PinnedState.unload(root);
    }

    private void setMeta(java.util.function.Consumer<MemorySegment> change) {
        try (BpfMap meta = BpfMap.openPinned(dir.resolve("meta").toString()); Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment v = MetaRecord.allocate(arena);
            assertTrue(meta.lookup(key, v));
            change.accept(v);
            assertEquals(0, meta.update(key, v, BpfMap.ANY));
        }
    }

    @Test
    void loadPinsEverythingAndReopensWithoutReloading() throws Exception {
        try (PinnedState s = PinnedState.openOrLoad(root, BP)) {
            assertEquals(Records.ABI_VERSION, s.meta().abiVersion());
            for (String m : BP.mapNames()) assertTrue(Files.exists(dir.resolve(m)), m + " pinned");
            assertTrue(Files.exists(dir.resolve("meta")));
            assertTrue(s.links().contains("sched_process_exit"));
            assertTrue(Files.exists(dir.resolve("progs").resolve("on_exit")), "the syscall hooks' programs are pinned");
            assertFalse(s.links().contains("sys_exit_openat"), "and attached only when something is tracked");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)),
                    "only root may reach the pins");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("quotas"))));
        }
        var firstLoad = PinnedState.openExisting(root, BP).orElseThrow();
        try (PinnedState again = PinnedState.openOrLoad(root, BP)) {
            assertEquals(firstLoad.meta().loadedAt(), again.meta().loadedAt(), "the same state, not a new load");
        } finally {
            firstLoad.close();
        }
    }

    /** The pins hold the hooks; restracker keeps no descriptor that would hold them after unload. */
    @Test
    void loadingLeavesNoLinkDescriptorsOpen() throws Exception {
        long before = linkDescriptors();
        PinnedState.openOrLoad(root, BP).close();
        assertEquals(before, linkDescriptors(), "bpf_link and perf_event descriptors left open by the load");
    }

    private static long linkDescriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    String t = Files.readSymbolicLink(p).toString();
                    return t.equals("anon_inode:bpf_link") || t.equals("anon_inode:[perf_event]");
                } catch (Exception e) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void unloadRemovesEverything() {
        PinnedState.openOrLoad(root, BP).close();
        assertTrue(PinnedState.unload(root));
        assertFalse(Files.exists(root));
        assertTrue(PinnedState.openExisting(root, BP).isEmpty());
        assertFalse(PinnedState.unload(root), "nothing left to unload");
    }

    @Test
    void anIncompatibleStateIsReportedNeverRead() {
        PinnedState.openOrLoad(root, BP).close();
        setMeta(v -> MetaRecord.setAbiVersion(v, Records.ABI_VERSION + 1));
        StateException e = assertThrows(StateException.class, () -> PinnedState.openOrLoad(root, BP));
        assertEquals(Errno.EOPNOTSUPP, e.errno());
        assertTrue(e.getMessage().contains("incompatible") && e.getMessage().contains("restracker unload"),
                e.getMessage());
        assertThrows(StateException.class, () -> PinnedState.openExisting(root, BP));
    }

    /**
     * A map pinned under a known name but made otherwise (another build's record, ring or kind)
     * is refused by name, whatever the meta record says, and left as it is.
     */
    @Test
    void aPinnedMapDefinedOtherwiseIsRefusedByName() throws Exception {
        PinnedState.openOrLoad(root, BP).close();
        JsonNode quotas = BpfMaps.pinnedMap(dir.resolve("quotas"));
        long valueSize = quotas.get("bytes_value").asLong();
        Files.delete(dir.resolve("quotas"));
        BpfMaps.createPinned(dir.resolve("quotas"), "hash", quotas.get("bytes_key").asLong(), valueSize - 8,
                quotas.get("max_entries").asLong(), "quotas");
        StateException e = assertThrows(StateException.class, () -> PinnedState.openOrLoad(root, BP));
        assertEquals(Errno.EOPNOTSUPP, e.errno());
        assertTrue(e.getMessage().startsWith("the map pinned at " + dir.resolve("quotas") + " is not the quotas map")
                && e.getMessage().contains("(value size " + (valueSize - 8) + " bytes, not " + valueSize + ")")
                && e.getMessage().contains("restracker unload"), e.getMessage());
        assertThrows(StateException.class, () -> PinnedState.openExisting(root, BP), "a reader is told too");
        assertEquals(valueSize - 8, BpfMaps.pinnedMap(dir.resolve("quotas")).get("bytes_value").asLong(), "left as it was");
    }

    @Test
    void aPinnedRingOfAnotherSizeOrKindIsRefused() throws Exception {
        PinnedState.openOrLoad(root, BP).close();
        JsonNode events = BpfMaps.pinnedMap(dir.resolve("events"));
        long entries = events.get("max_entries").asLong();
        Files.delete(dir.resolve("events"));
        BpfMaps.createPinned(dir.resolve("events"), "hash", events.get("bytes_key").asLong(), events.get("bytes_value").asLong(),
                entries / 2, "events");
        StateException e = assertThrows(StateException.class, () -> PinnedState.openOrLoad(root, BP));
        assertTrue(e.getMessage().contains("is not the events map") && e.getMessage().contains("max_entries " + entries / 2
                + ", not " + entries) && e.getMessage().contains("map type "), e.getMessage());
    }

    /** The meta record is read into a buffer of its C size: a larger pinned meta is refused before any read. */
    @Test
    void aPinnedMetaOfAnotherSizeIsRefusedBeforeItIsRead() throws Exception {
        PinnedState.openOrLoad(root, BP).close();
        JsonNode meta = BpfMaps.pinnedMap(dir.resolve("meta"));
        Files.delete(dir.resolve("meta"));
        BpfMaps.createPinned(dir.resolve("meta"), "array", 4, meta.get("bytes_value").asLong() + 64, 1, "meta");
        StateException e = assertThrows(StateException.class, () -> PinnedState.openExisting(root, BP));
        assertTrue(e.getMessage().contains("is not the meta map") && e.getMessage().contains("value size "), e.getMessage());
    }

    @Test
    void anInterruptedLoadIsReplaced() {
        PinnedState.openOrLoad(root, BP).close();
        setMeta(v -> MetaRecord.setMagic(v, 0)); // as if the loader died before writing the meta record
        assertTrue(PinnedState.openExisting(root, BP).isEmpty(), "not mistaken for a loaded state");
        try (PinnedState s = PinnedState.openOrLoad(root, BP)) {
            assertEquals(Records.ABI_VERSION, s.meta().abiVersion());
        }
    }

    @Test
    void aMapRemovedBehindRestrackersBackIsReported() throws Exception {
        PinnedState.openOrLoad(root, BP).close();
        Files.delete(dir.resolve("quotas"));
        StateException e = assertThrows(StateException.class, () -> PinnedState.openOrLoad(root, BP));
        assertTrue(e.getMessage().contains("restracker unload"), e.getMessage());
    }

    @Test
    void aHookRemovedBehindRestrackersBackIsReported() throws Exception {
        try (PinnedState s = PinnedState.openOrLoad(root, BP)) {
            assertEquals(s.links().size(), s.meta().links(), "the meta record counts the hooks the load pinned");
        }
        Files.delete(dir.resolve("links").resolve("sched_process_exit"));
        StateException e = assertThrows(StateException.class, () -> PinnedState.openOrLoad(root, BP));
        assertTrue(e.getMessage().startsWith("1 of the ") && e.getMessage().contains("restracker unload"), e.getMessage());
        assertThrows(StateException.class, () -> PinnedState.openExisting(root, BP), "a reader is told too");
    }

    /** A record of maps whose second component is misspelt: the object defines no map "entitiez". */
    record Misspelt(BpfMap groups, BpfMap entitiez) {}

    private static Blueprint withMaps(Class<? extends Record> maps) {
        return new Blueprint(BP.name(), BP.object(), BP.abiVersion(), maps, BP.attachments(), BP.variants(), BP.programs());
    }

    /**
     * A record of maps that names a map the object does not define is refused with the component's
     * name before anything is pinned, and before an existing state is opened.
     */
    @Test
    void aMapTheObjectDoesNotDefineIsRefusedByItsComponent() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PinnedState.openOrLoad(root, withMaps(Misspelt.class)));
        assertTrue(e.getMessage().startsWith("Misspelt.entitiez names the map entitiez, which tracker.bpf.o does not define"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("meta")), "nothing loaded");
        assertFalse(Files.exists(dir.resolve("groups")), "nothing pinned");
        PinnedState.openOrLoad(root, BP).close();
        e = assertThrows(IllegalStateException.class, () -> PinnedState.openExisting(root, withMaps(Misspelt.class)));
        assertTrue(e.getMessage().startsWith("Misspelt.entitiez names the map entitiez"), e.getMessage());
    }

    /** Each component of the tracker's record of maps is the map pinned under its name (the kernel's map id). */
    @Test
    void eachComponentIsTheMapPinnedUnderItsName() throws Exception {
        try (PinnedState s = PinnedState.openOrLoad(root, BP)) {
            TrackerMaps maps = s.maps(TrackerMaps.class);
            java.lang.reflect.RecordComponent[] components = TrackerMaps.class.getRecordComponents();
            assertEquals(BP.mapNames().size(), components.length);
            for (java.lang.reflect.RecordComponent c : components) {
                String name = c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
                BpfMap m = (BpfMap) c.getAccessor().invoke(maps);
                assertEquals(BpfMaps.pinnedMap(dir.resolve(name)).get("id").asLong(), mapId(m.fd()), c.getName() + " is " + name);
            }
            assertThrows(IllegalArgumentException.class, () -> s.maps(Misspelt.class), "another record of maps");
        }
    }

    /** The kernel's id of the map behind descriptor fd of this process (its fdinfo). */
    private static long mapId(int fd) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("map_id:")) return Long.parseLong(line.substring(7).trim());
        }
        throw new AssertionError("no map_id in the fdinfo of " + fd);
    }
}
