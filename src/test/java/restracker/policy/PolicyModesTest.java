package restracker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import restracker.testing.Child;
import restracker.testing.TempTrees;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.testing.Workload.WorkloadDied;
import restracker.tracker.KillEvent;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/** Audit and warning modes, precedence among policies and over an explicit cap, and --children. */
@Timeout(300)
class PolicyModesTest {
    private static final long MIB = 1 << 20;
    static ResourceTracker tracker;
    static PolicyTable table;
    static Path dir, worker, shell;

    @BeforeAll
    static void load() throws Exception {
        tracker = TestKernel.tracker(PolicyModesTest.class);
        table = new PolicyTable(tracker);
        dir = Files.createTempDirectory("restracker-policy-modes-");
        worker = dir.resolve("worker");
        Files.copy(Workload.binary(), worker, StandardCopyOption.REPLACE_EXISTING);
        shell = dir.resolve("sh");
        Files.copy(Path.of("/bin/sh"), shell, StandardCopyOption.REPLACE_EXISTING);
    }

    @AfterAll
    static void unload() {
        TestKernel.unload(PolicyModesTest.class, tracker);
        if (dir != null) TempTrees.delete(dir);
    }

    @AfterEach
    void noPolicies() {
        table.replaceAll(List.of());
    }

    static Policy policy(String name, Path exe, boolean children, Quota q, Mode mode, OptionalInt warn) {
        return new Policy(name, new Match(Optional.of(exe), children, Optional.empty(), OptionalInt.empty(), Optional.empty()),
                q, mode, warn);
    }

    static List<KillEvent> eventsOf(int pid) {
        return tracker.events().events().stream().filter(e -> e.pid() == pid).toList();
    }

    @Test
    void auditLogsTheCrossingOnceAndKillsNothing() {
        table.add(policy("audited", worker, false, new Quota(Quota.UNLIMITED, 3), Mode.AUDIT, OptionalInt.empty()));
        try (Workload w = Workload.start(List.of(), worker)) {
            for (int i = 0; i < 8; i++) w.open("/dev/null");
            assertEquals(8, tracker.fetch(w.pid()).openFiles(), "alive, and still counted");
            List<KillEvent> events = eventsOf(w.pid());
            assertEquals(1, events.size(), "one event for the crossing: " + events);
            KillEvent e = events.getFirst();
            assertEquals(KillEvent.Kind.AUDIT, e.kind());
            assertEquals(Optional.of("audited"), e.policy());
            assertEquals(4, e.usage());
            assertEquals(3, e.limit());
            assertEquals("openat", e.syscall());
            assertEquals(1, table.list().getFirst().audited());
            assertEquals(0, table.list().getFirst().killed());
        }
    }

    @Test
    void warnLogsOneEventWhenUsageFirstPassesThePercentage() {
        table.add(policy("warned", worker, false, new Quota(Quota.UNLIMITED, 10), Mode.ENFORCE, OptionalInt.of(50)));
        try (Workload w = Workload.start(List.of(), worker)) {
            for (int i = 0; i < 5; i++) w.open("/dev/null");
            assertEquals(List.of(), eventsOf(w.pid()), "5 of 10 is not past 50%");
            w.open("/dev/null");
            w.open("/dev/null");
            List<KillEvent> events = eventsOf(w.pid());
            assertEquals(1, events.size(), events.toString());
            assertEquals(KillEvent.Kind.WARN, events.getFirst().kind());
            assertEquals(6, events.getFirst().usage());
            assertEquals(5, events.getFirst().limit(), "the threshold: 50% of 10");
            assertEquals(1, table.list().getFirst().warned());
            for (int i = 0; i < 3; i++) w.open("/dev/null");
            assertThrows(WorkloadDied.class, () -> w.open("/dev/null"), "the quota itself still kills");
        }
    }

    @Test
    void theTightestQuotaOfEachKindApplies() {
        table.add(policy("loose-files", worker, false, new Quota(8 * MIB, 5), Mode.ENFORCE, OptionalInt.empty()));
        table.add(policy("tight-files", worker, false, new Quota(64 * MIB, 3), Mode.ENFORCE, OptionalInt.empty()));
        try (Workload w = Workload.start(List.of(), worker)) {
            assertEquals(new Quota(8 * MIB, 3), tracker.fetch(w.pid()).quota(), "heap of one, files of the other");
            for (int i = 0; i < 3; i++) w.open("/dev/null");
            assertThrows(WorkloadDied.class, () -> w.open("/dev/null"));
            KillEvent e = eventsOf(w.pid()).getFirst();
            assertEquals(Optional.of("tight-files"), e.policy(), "the event names the policy whose quota it was");
        }
    }

    @Test
    void anExplicitCapWinsOverThePolicy() {
        table.add(policy("small", worker, false, new Quota(Quota.UNLIMITED, 2), Mode.ENFORCE, OptionalInt.empty()));
        try (Workload w = Workload.start(List.of(), worker)) {
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 10), false);
            assertEquals(Optional.empty(), table.holderOf(w.pid()), "no longer the policy's");
            for (int i = 0; i < 6; i++) w.open("/dev/null");
            assertEquals(6, tracker.fetch(w.pid()).openFiles());
            assertEquals(0, table.list().getFirst().held());
        }
    }

    /** The copied shell forks a child that execs /bin/sh and opens 7 files; the parent reports its status. */
    static String childOpeningFiles() {
        Child.Output o = Child.run(new ProcessBuilder(shell.toString(), "-c",
                "/bin/sh -c 'exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null 7</dev/null; echo survived'; echo child $?"),
                "the copied shell", Duration.ofSeconds(60));
        return o.out();
    }

    @Test
    void childrenKeepsTheDescendantsWhateverTheyExec() {
        table.add(policy("tree", shell, true, new Quota(Quota.UNLIMITED, 3), Mode.ENFORCE, OptionalInt.empty()));
        assertEquals("child 137\n", childOpeningFiles(), "the child, another executable, was held and killed");
    }

    @Test
    void withoutChildrenADescendantThatExecsAnotherProgramIsLetGo() {
        table.add(policy("shell-only", shell, false, new Quota(Quota.UNLIMITED, 3), Mode.ENFORCE, OptionalInt.empty()));
        assertEquals("survived\nchild 0\n", childOpeningFiles());
    }
}
