package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.Blueprint;
import restracker.policy.Match;
import restracker.policy.Mode;
import restracker.policy.Policy;
import restracker.policy.PolicyTable;
import restracker.testing.BpfMaps;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/**
 * The tracker's syscall hooks are attached only while something needs them: nothing while
 * nothing is tracked and no policy is loaded, the exit hooks for a tracked process, the entry hooks
 * too for a tracked thread, the exit and uid-change hooks for a policy. What is attached is read
 * from the kernel's own list of links (bpftool), each counted against the program it runs; the
 * number expected is how many of the hooked syscalls' tracepoints this kernel has (tracefs), or,
 * for the fentry variant, one link per program pinned.
 */
class HooksOnDemandTest {
    private static ResourceTracker tracker;
    private static Blueprint.Variant variant;

    @BeforeAll
    static void load() {
        tracker = TestKernel.tracker(HooksOnDemandTest.class);
        variant = tracker.state().attachedVariant(ResourceTracker.BLUEPRINT).orElseThrow();
    }

    @AfterAll
    static void unload() {
        TestKernel.unload(HooksOnDemandTest.class, tracker);
    }

    @Test
    void nothingTrackedLeavesNothingOnTheSyscallPath() {
        tracker.fitHooks();
        assertAttached(false, false, false);
    }

    @Test
    void aProcessBringsTheExitHooksAndTheyGoWithIt() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            assertAttached(false, true, false);
            w.open("/dev/null");
            assertEquals(1, tracker.fetch(w.pid()).openFiles(), "counted through the hooks attached at register");
            tracker.deregister(w.pid());
            assertAttached(false, true, false); // a program that registers again soon does not pay for them twice
            tracker.fitHooks();
            assertAttached(false, false, false);
        }
    }

    @Test
    void aThreadBringsTheEntryHooksAndItsFiguresAreItsOwn() {
        try (Workload w = Workload.start()) {
            int tid = w.thread();
            tracker.register(tid);
            assertAttached(true, true, false);
            w.on(tid, "open /dev/null");
            w.on(tid, "open /dev/null");
            w.open("/dev/null"); // the leader's: not the thread's
            assertEquals(2, tracker.fetch(tid).openFiles());
            tracker.deregister(tid);
            tracker.fitHooks();
            assertAttached(false, false, false);
        }
    }

    @Test
    void hooksOfAProcessThatExitedGoAtTheNextChange() throws Exception {
        Workload w = Workload.start();
        tracker.register(w.pid());
        w.process().destroyForcibly();
        assertTrue(w.process().waitFor(30, TimeUnit.SECONDS));
        w.close();
        awaitUntracked(w.pid());
        assertAttached(false, true, false); // nothing has changed the tables from user space yet
        tracker.fitHooks();
        assertAttached(false, false, false);
    }

    @Test
    void aThreadThatExitedTakesItsEntryHooksAtTheNextChange() throws Exception {
        try (Workload w = Workload.start()) {
            int tid = w.thread();
            tracker.register(tid);
            w.exitThread(tid); // the kernel side removes its entity
            awaitUntracked(tid);
            tracker.fitHooks();
            assertAttached(false, false, false);
        }
    }

    @Test
    void aPolicyBringsTheExitAndUidHooks() {
        PolicyTable table = new PolicyTable(tracker);
        table.add(new Policy("hooks-on-demand", new Match(Optional.empty(), false, Optional.empty(), OptionalInt.of(4243),
                Optional.empty()), new Quota(Quota.UNLIMITED, 64), Mode.ENFORCE, OptionalInt.empty()));
        try {
            assertAttached(false, true, true);
        } finally {
            table.remove("hooks-on-demand");
        }
        assertAttached(false, false, false);
    }

    @Test
    void closingATrackerThatDeregisteredDetachesWhatNothingNeeds() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            try (ResourceTracker another = ResourceTracker.open(tracker.state().dir().getParent())) {
                another.deregister(w.pid());
            }
            assertAttached(false, false, false);
        }
    }

    @Test
    void registeringAgainRightAfterADetachWaitsForTheKernelToReleaseTheOldLinks() {
        try (Workload w = Workload.start()) {
            for (int i = 0; i < 5; i++) {
                tracker.register(w.pid());
                assertAttached(false, true, false);
                tracker.deregister(w.pid());
                tracker.fitHooks();
            }
            assertAttached(false, false, false);
        }
    }

    @Test
    void aFailedRegisterLeavesNothingAttached() {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            try {
                tracker.register(w.pid());
            } catch (TrackerException already) {
                assertEquals(23, already.errno().number());
            }
            assertAttached(false, true, false);
            tracker.deregister(w.pid());
        }
        tracker.fitHooks();
        assertAttached(false, false, false);
        assertEquals(java.util.List.of(), leftOvers(), "no partial or half-removed set of hooks");
    }

    private static void awaitUntracked(int pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (tracker.list().stream().anyMatch(e -> e.pid() == pid) && System.nanoTime() < deadline) Thread.sleep(20);
    }

    /** Each set's links in the kernel: all of its hooks when attached, none when not. */
    private static void assertAttached(boolean entry, boolean exit, boolean uid) {
        Map<String, Integer> links = linksBySet();
        assertEquals(entry ? expected(TrackerHooks.ENTRY_HOOKS) : 0, links.getOrDefault(TrackerHooks.ENTRY_HOOKS, 0), "entry hooks");
        assertEquals(exit ? expected(TrackerHooks.EXIT_HOOKS) : 0, links.getOrDefault(TrackerHooks.EXIT_HOOKS, 0), "exit hooks");
        assertEquals(uid ? expected(TrackerHooks.UID_HOOKS) : 0, links.getOrDefault(TrackerHooks.UID_HOOKS, 0), "uid-change hooks");
        assertTrue(expected(TrackerHooks.EXIT_HOOKS) > 30, "the exit hooks are a set of tens of syscalls");
    }

    /** Links in the kernel's list, by the set of the pinned program each runs. */
    private static Map<String, Integer> linksBySet() {
        Map<Long, String> setOfProgram = new HashMap<>();
        for (String program : variant.onDemandPrograms()) {
            Path pinned = tracker.state().dir().resolve("progs").resolve(program);
            if (!Files.exists(pinned)) continue;
            setOfProgram.put(BpfMaps.bpftool("prog", "show", "pinned", pinned.toString()).get("id").asLong(), setOf(program));
        }
        Map<String, Integer> bySet = new HashMap<>();
        for (JsonNode link : BpfMaps.bpftool("link", "show")) {
            String set = setOfProgram.get(link.get("prog_id").asLong());
            if (set != null) bySet.merge(set, 1, Integer::sum);
        }
        return bySet;
    }

    private static String setOf(String program) {
        for (Blueprint.Attachment a : variant.tracepoints()) if (a.program().equals(program)) return a.onDemand();
        for (Blueprint.FunctionHook f : variant.functions()) if (f.program().equals(program)) return f.onDemand();
        throw new AssertionError(program);
    }

    /** Tracepoints this kernel has for set's hooks (tracefs), or the set's fentry programs pinned (one link each). */
    private static int expected(String set) {
        int n = 0;
        for (Blueprint.Attachment a : variant.tracepoints()) {
            if (a.onDemand().equals(set) && Files.isDirectory(Path.of("/sys/kernel/tracing/events", a.category(), a.event()))) n++;
        }
        for (Blueprint.FunctionHook f : variant.functions()) {
            if (f.onDemand().equals(set) && Files.exists(tracker.state().dir().resolve("progs").resolve(f.program()))) n++;
        }
        return n;
    }

    private static java.util.List<String> leftOvers() {
        try (var s = Files.list(tracker.state().dir().resolve("hooks"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-partial") || n.endsWith("-going")).toList();
        } catch (java.io.IOException e) {
            return java.util.List.of();
        }
    }
}
