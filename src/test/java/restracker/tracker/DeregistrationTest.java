package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import restracker.bpf.MapDefinition;
import restracker.kernel.EntityRecord;
import restracker.kernel.ObjectRecord;
import restracker.kernel.PinnedState;
import restracker.sys.Errno;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/**
 * Deregistration leaves nothing of the entity in the kernel's maps: its entry, its quotas, its mm
 * and fd table in objects, and its group's marker once nothing else of the group is tracked. The
 * forget_entity program does it in one system call while no thread entity exists; user space does
 * it where the program is not pinned (an earlier restracker loaded the state) or a thread entity
 * exists. Each case is checked on a state of its own, by reading the maps directly.
 */
class DeregistrationTest {
    private static final Quota QUOTA = new Quota(1L << 40, 1000);

    @Test
    void theProgramRemovesEverythingOfAProcess() throws Exception {
        withState("", t -> {
            Assumptions.assumeTrue(pinned(t), "this kernel did not take the forget program");
            processLeavesNothing(t);
        });
    }

    @Test
    void withoutTheProgramUserSpaceRemovesEverythingOfAProcess() throws Exception {
        withState(ResourceTracker.FORGET_PROGRAM, DeregistrationTest::processLeavesNothing);
    }

    /** With a thread entity, the group's marker stays while another entity of the group is left, then goes. */
    @Test
    void aThreadEntityKeepsItsGroupMarkedUntilTheLastEntityGoes() throws Exception {
        withState("", t -> {
            TrackerMaps maps = TrackerMaps.of(t.state());
            try (Workload w = Workload.start(); Arena arena = Arena.ofConfined()) {
                int tid = w.thread();
                t.register(w.pid());
                t.register(tid);
                t.deregister(w.pid());
                assertFalse(has(maps.entities(), arena, w.pid()), "the process entity is gone");
                assertTrue(has(maps.groups(), arena, w.pid()), "its thread is still tracked: the group stays marked");
                t.deregister(tid);
                assertFalse(has(maps.entities(), arena, tid));
                assertFalse(has(maps.groups(), arena, w.pid()), "nothing of the group is left");
            }
        });
    }

    @Test
    void anUntrackedPidIsRefusedWithEsrch() throws Exception {
        withState("", t -> {
            try (Workload w = Workload.start()) {
                TrackerException e = assertThrows(TrackerException.class, () -> t.deregister(w.pid()));
                assertEquals(Errno.ESRCH, e.errno());
                t.register(w.pid());
                t.deregister(w.pid());
                e = assertThrows(TrackerException.class, () -> t.deregister(w.pid()));
                assertEquals(Errno.ESRCH, e.errno(), "a second deregistration finds nothing");
            }
        });
    }

    private static void processLeavesNothing(ResourceTracker t) {
        TrackerMaps maps = TrackerMaps.of(t.state());
        try (Workload w = Workload.start(); Arena arena = Arena.ofConfined()) {
            long objectsBefore = count(maps.objects());
            t.register(w.pid());
            t.cap(w.pid(), QUOTA, false);
            MemorySegment e = EntityRecord.allocate(arena);
            assertTrue(maps.entities().lookup(arena.allocateFrom(ValueLayout.JAVA_INT, w.pid()), e));
            long mm = EntityRecord.mmKey(e), files = EntityRecord.filesKey(e);
            assertTrue(mm != 0 && files != 0, "bound at registration");
            assertTrue(has(maps.quotas(), arena, w.pid()) && has(maps.groups(), arena, w.pid()));

            t.deregister(w.pid());
            assertFalse(has(maps.entities(), arena, w.pid()), "the entity is gone");
            assertFalse(has(maps.quotas(), arena, w.pid()), "its quotas are gone");
            assertFalse(has(maps.groups(), arena, w.pid()), "its group's marker is gone");
            for (long key : new long[] {mm, files}) {
                assertFalse(maps.objects().lookup(arena.allocateFrom(ValueLayout.JAVA_LONG, key), ObjectRecord.allocate(arena)),
                        "objects no longer holds " + Long.toHexString(key));
            }
            assertEquals(objectsBefore, count(maps.objects()));
        }
    }

    private static boolean has(restracker.bpf.BpfMap map, Arena arena, int id) {
        return map.lookup(arena.allocateFrom(ValueLayout.JAVA_INT, id), arena.allocate(map.definition().valueSize()));
    }

    private static long count(restracker.bpf.BpfMap map) {
        MapDefinition d = map.definition();
        return map.forEach(d.keySize(), d.valueSize(), (k, v) -> { });
    }

    private static boolean pinned(ResourceTracker t) {
        return Files.exists(t.state().dir().resolve("progs").resolve(ResourceTracker.FORGET_PROGRAM));
    }

    interface WithTracker {
        void accept(ResourceTracker t) throws Exception;
    }

    /** Runs body on a state of its own, with the program `aside` (if any) moved out of progs/. */
    private static void withState(String aside, WithTracker body) throws Exception {
        Path root = Path.of(TestKernel.pinDir(DeregistrationTest.class) + "-" + (aside.isEmpty() ? "all" : "without"));
        PinnedState.unload(root);
        try {
            ResourceTracker.open(root).close();
            if (!aside.isEmpty()) {
                Path pin = root.resolve("tracker").resolve("progs").resolve(aside);
                if (Files.exists(pin)) Files.move(pin, pin.resolveSibling(aside + "-aside"));
            }
            try (ResourceTracker t = ResourceTracker.open(root)) {
                body.accept(t);
            }
        } finally {
            PinnedState.unload(root);
        }
    }
}
