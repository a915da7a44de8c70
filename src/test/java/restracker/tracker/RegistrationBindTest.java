package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import restracker.bpf.Features;
import restracker.kernel.EntityRecord;
import restracker.kernel.ObjectRecord;
import restracker.kernel.PinnedState;
import restracker.kernel.Records;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/**
 * A process entity's mm and fd table are bound as register returns, before the process makes a
 * hooked call of its own (so that a task sharing either is counted from the start): by the
 * bind_process program in one system call where the kernel takes it, by the bind_objects iterator
 * where it is not pinned. A workload waiting for its next command sits in read(2), which is not
 * hooked: nothing binds it but the registration.
 */
class RegistrationBindTest {
    @Loaded
    static ResourceTracker tracker;

    /** Whether pid's entity is bound, and the objects map holds its mm and fd table for it. */
    private static void assertBound(ResourceTracker t, int pid) {
        TrackerMaps maps = TrackerMaps.of(t.state());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment e = EntityRecord.allocate(arena);
            assertTrue(maps.entities().lookup(arena.allocateFrom(ValueLayout.JAVA_INT, pid), e), "tracked");
            assertTrue((EntityRecord.flags(e) & Records.F_BOUND) != 0, "bound at registration");
            for (long key : new long[] {EntityRecord.mmKey(e), EntityRecord.filesKey(e)}) {
                MemorySegment o = ObjectRecord.allocate(arena);
                assertTrue(key != 0 && maps.objects().lookup(arena.allocateFrom(ValueLayout.JAVA_LONG, key), o),
                        "the objects map holds " + Long.toHexString(key));
                assertEquals(pid, ObjectRecord.tgid(o));
            }
        }
    }

    @Test
    void aRegisteredProcessIsBoundBeforeItsFirstHookedCall() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            assertBound(tracker, w.pid());
            tracker.deregister(w.pid());
        }
    }

    /** Where the kernel has the kfuncs, Linux 6.18 on (as far as this project has seen it), it takes the program. */
    @Test
    void theBindProgramIsPinnedWhereTheKernelTakesIt() {
        boolean kfuncs = Features.kernelFunctions(ResourceTracker.BIND_PROGRAM_NEEDS)
                .containsAll(ResourceTracker.BIND_PROGRAM_NEEDS);
        Path pinned = tracker.state().dir().resolve("progs").resolve(ResourceTracker.BIND_PROGRAM);
        if (!kfuncs) {
            assertTrue(Files.notExists(pinned), "left out without the kfuncs");
        } else if (linuxAtLeast(6, 18)) {
            assertTrue(Files.exists(pinned), "pinned for register to run");
        }
    }

    /** A state without the program (an earlier restracker loaded it, or the kernel refused it): the iterator binds. */
    @Test
    void withoutTheProgramTheIteratorBinds() throws Exception {
        registersWithout("progs", ResourceTracker.BIND_PROGRAM);
    }

    /** The program binds on its own: the iterator's link moved aside (the count of links stays), nothing else can. */
    @Test
    void theProgramBindsWithoutTheIterator() throws Exception {
        Assumptions.assumeTrue(Files.exists(tracker.state().dir().resolve("progs").resolve(ResourceTracker.BIND_PROGRAM)),
                "this kernel does not take the bind program (theBindProgramIsPinnedWhereTheKernelTakesIt says where it must)");
        registersWithout("links", ResourceTracker.BIND_ITERATOR);
    }

    /** Registers a workload on a state of its own whose pin dir/name was moved aside; it must be bound. */
    private static void registersWithout(String dir, String name) throws Exception {
        Path root = Path.of(TestKernel.pinDir(RegistrationBindTest.class) + "-without-" + name);
        PinnedState.unload(root);
        try {
            ResourceTracker.open(root).close();
            Path pin = root.resolve("tracker").resolve(dir).resolve(name);
            Files.move(pin, pin.resolveSibling(name + "-aside"));
            try (ResourceTracker t = ResourceTracker.open(root); Workload w = Workload.start()) {
                t.register(w.pid());
                assertBound(t, w.pid());
                t.deregister(w.pid());
            }
        } finally {
            PinnedState.unload(root);
        }
    }

    private static boolean linuxAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version").split("[.-]");
        int ma = Integer.parseInt(v[0]), mi = Integer.parseInt(v[1]);
        return ma > major || (ma == major && mi >= minor);
    }
}
