package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.Blueprint;
import restracker.kernel.PinnedState;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.testing.Workload.WorkloadDied;

/**
 * The kill of an owner doomed by another process's crossing without signal_doomed (as on kernels
 * before 6.13, which cannot signal another task from BPF): on_switch kills it at its own next
 * context switch. Loaded here with signal_doomed left out, so that this kernel runs that path too
 * (the qemu lane's 6.1 runs it in EnforcementAcrossSharingTest).
 */
class OwnSwitchKillTest {
    private static final long MIB = 1 << 20;
    private static final int KILLED = 128 + 9;
    static ResourceTracker tracker;

    @BeforeAll
    static void load() {
        TestKernel.requireBpf();
        PinnedState.unload(TestKernel.pinDir(OwnSwitchKillTest.class));
        Blueprint b = ResourceTracker.blueprint(List.of(TrackerHooks.TRACEPOINT));
        b = new Blueprint(b.name(), b.object(), b.abiVersion(), b.maps(), b.attachments(), b.variants(),
                b.programs().stream().filter(p -> !p.name().equals(ResourceTracker.SIGNAL_ANY_TASK)).toList());
        PinnedState.openOrLoad(TestKernel.pinDir(OwnSwitchKillTest.class), b).close();
        tracker = ResourceTracker.open(TestKernel.pinDir(OwnSwitchKillTest.class), List.of(TrackerHooks.TRACEPOINT));
    }

    @AfterAll
    static void unload() {
        TestKernel.unload(OwnSwitchKillTest.class, tracker);
    }

    /** Woken by its child's end (waitpid), the owner answers, waits for the next command, and dies there. */
    @Test
    void theOwnerDiesAtItsNextSwitchAfterTheChildCrossed() {
        assertFalse(tracker.state().links().contains(ResourceTracker.SIGNAL_ANY_TASK), tracker.state().links().toString());
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(10 * MIB, Quota.UNLIMITED), false);
            try {
                assertTrue(w.send("vmchild " + 64 * MIB + " 200").endsWith(" signal 9"), "the child was SIGKILLed");
            } catch (WorkloadDied killedBeforeItAnswered) {
                // switched out between its wake-up and its answer
            }
            assertEquals(KILLED, w.waitForExit(), "the tracked process was SIGKILLed");
            List<KillEvent> events = tracker.events().events().stream().filter(e -> e.pid() == w.pid()).toList();
            assertEquals(1, events.size(), events.toString());
            assertEquals(KillEvent.Reason.HEAP, events.getFirst().reason());
            assertNotEquals(w.pid(), events.getFirst().tid());
        }
    }

    @Test
    void theOwnerDiesAtItsNextSwitchAfterATableSharerCrossed() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 5), false);
            try {
                assertTrue(w.filesChild(100, "/dev/null").endsWith(" signal 9"), "the child was SIGKILLed");
            } catch (WorkloadDied killedBeforeItAnswered) {
                // switched out between its wake-up and its answer
            }
            assertEquals(KILLED, w.waitForExit(), "the tracked process was SIGKILLed");
            List<KillEvent> events = tracker.events().events().stream().filter(e -> e.pid() == w.pid()).toList();
            assertEquals(1, events.size(), events.toString());
            assertEquals(KillEvent.Reason.FILES, events.getFirst().reason());
            assertEquals(6, events.getFirst().usage());
        }
    }
}
