package restracker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import restracker.sys.Errno;
import restracker.testing.TempTrees;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.testing.Workload.WorkloadDied;
import restracker.tracker.KillEvent;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerException;

/** The exe selector: the file itself, by device and inode, matched by the kernel at exec and on the running. */
@Timeout(120)
class PolicyExeTest {
    private static final int KILLED = 128 + 9;
    static ResourceTracker tracker;
    static PolicyTable table;
    static Path dir;

    @BeforeAll
    static void load() throws Exception {
        tracker = TestKernel.tracker(PolicyExeTest.class);
        table = new PolicyTable(tracker);
        dir = Files.createTempDirectory("restracker-policy-exe-");
    }

    @AfterAll
    static void unload() {
        TestKernel.unload(PolicyExeTest.class, tracker);
        if (dir != null) TempTrees.delete(dir);
    }

    @AfterEach
    void noPolicies() {
        table.replaceAll(List.of());
    }

    static Path copyOfWorkload(String name) throws Exception {
        Path copy = dir.resolve(name);
        Files.copy(Workload.binary(), copy, StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    static Policy files(String name, Path exe, int files) {
        return new Policy(name, new Match(Optional.of(exe), false, Optional.empty(), OptionalInt.empty(), Optional.empty()),
                new Quota(Quota.UNLIMITED, files), Mode.ENFORCE, OptionalInt.empty());
    }

    @Test
    void aProgramStartedLaterIsKilledAtItsQuotaAndACopyIsUntouched() throws Exception {
        Path held = copyOfWorkload("held"), other = copyOfWorkload("other");
        table.add(files("three-files", held, 3));
        try (Workload w = Workload.start(List.of(), held); Workload free = Workload.start(List.of(), other)) {
            assertEquals(Optional.of("three-files"), table.holderOf(w.pid()));
            for (int i = 0; i < 3; i++) w.open("/dev/null");
            WorkloadDied died = assertThrows(WorkloadDied.class, () -> w.open("/dev/null"));
            assertEquals(KILLED, died.exitStatus());
            KillEvent e = tracker.events().events().stream().filter(k -> k.pid() == w.pid()).findFirst().orElseThrow();
            assertEquals(KillEvent.Reason.FILES, e.reason());
            assertEquals(4, e.usage());
            assertEquals(3, e.limit());
            for (int i = 0; i < 6; i++) free.open("/dev/null");
            assertEquals(Optional.empty(), table.holderOf(free.pid()), "a copy at another inode is not held");
            assertEquals(1, table.list().getFirst().killed());
        }
    }

    @Test
    void aProcessAlreadyRunningIsHeldFromThatMoment() throws Exception {
        Path held = copyOfWorkload("running");
        try (Workload w = Workload.start(List.of(), held)) {
            for (int i = 0; i < 5; i++) w.open("/dev/null"); // before the policy: not counted
            table.add(files("two-files", held, 2));
            assertEquals(Optional.of("two-files"), table.holderOf(w.pid()));
            assertEquals(1, table.list().getFirst().held());
            w.open("/dev/null");
            w.open("/dev/null");
            assertEquals(2, tracker.fetch(w.pid()).openFiles());
            assertThrows(WorkloadDied.class, () -> w.open("/dev/null"));
        }
    }

    @Test
    void aSetWithOneBadPolicyChangesNothing() throws Exception {
        Path held = copyOfWorkload("kept");
        table.add(files("kept", held, 4));
        try (Workload w = Workload.start(List.of(), held)) {
            w.open("/dev/null");
            TrackerException e = assertThrows(TrackerException.class, () -> table.replaceAll(List.of(files("new", held, 1),
                    files("broken", dir.resolve("absent"), 1))));
            assertEquals(Errno.ENOENT, e.errno());
            assertEquals(List.of("kept"), table.list().stream().map(l -> l.policy().name()).toList());
            assertEquals(1, table.list().getFirst().held(), "the process it held is still held");
            assertEquals(1, tracker.fetch(w.pid()).openFiles(), "and still counted from its exec");
            table.replaceAll(List.of(files("kept", held, 4)));
            assertEquals(1, tracker.fetch(w.pid()).openFiles(), "an unchanged policy keeps its processes as they are");
        }
    }

    @Test
    void aMissingExecutableIsENOENTAndChangesNothing() {
        TrackerException e = assertThrows(TrackerException.class,
                () -> table.add(files("missing", dir.resolve("no-such-file"), 1)));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(table.list().isEmpty());
    }
}
