package restracker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.testing.Workload;
import restracker.testing.Workload.WorkloadDied;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * The cgroup and uid selectors: a program started later is killed at its quota, one already
 * running is held from the moment the policy is added, one outside the selection is untouched.
 */
@Timeout(300)
class PolicySelectorsTest {
    static ResourceTracker tracker;
    static PolicyTable table;
    static Path cgroup, below;

    @BeforeAll
    static void load() throws IOException {
        tracker = TestKernel.tracker(PolicySelectorsTest.class);
        table = new PolicyTable(tracker);
        Path root = cgroup2Root();
        cgroup = root.resolve("restracker-test-" + ProcessHandle.current().pid());
        below = cgroup.resolve("below");
        Files.createDirectories(below);
    }

    @AfterAll
    static void unload() throws IOException {
        TestKernel.unload(PolicySelectorsTest.class, tracker);
        if (below != null) Files.deleteIfExists(below);
        if (cgroup != null) Files.deleteIfExists(cgroup);
    }

    @AfterEach
    void noPolicies() {
        table.replaceAll(List.of());
    }

    /** Where cgroup2 is mounted, from /proc/self/mounts (the hybrid layout's unified, or /sys/fs/cgroup). */
    static Path cgroup2Root() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" "))
                .filter(f -> f[2].equals("cgroup2")).map(f -> Path.of(f[1])).findFirst()
                .orElseThrow(() -> new IllegalStateException("no cgroup2 mount in /proc/self/mounts"));
    }

    static Policy files(String name, Match m, int files) {
        return new Policy(name, m, new Quota(Quota.UNLIMITED, files), Mode.ENFORCE, OptionalInt.empty());
    }

    static Match cgroupMatch(Path dir) {
        return new Match(Optional.empty(), false, Optional.of(dir), OptionalInt.empty(), Optional.empty());
    }

    static Match uidMatch(int uid) {
        return new Match(Optional.empty(), false, Optional.empty(), OptionalInt.of(uid), Optional.empty());
    }

    /** The workload started in dir: a shell moves itself there, then execs it. */
    static Workload inCgroup(Path dir) {
        return Workload.start(List.of("sh", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + " && exec \"$0\" \"$@\""),
                Workload.binary());
    }

    static void opensUntilKilled(Workload w, int quota) {
        for (int i = 0; i < quota; i++) w.open("/dev/null");
        WorkloadDied died = assertThrows(WorkloadDied.class, () -> w.open("/dev/null"));
        assertEquals(128 + 9, died.exitStatus());
    }

    @Test
    void aCgroupSelectsItsProcessesAndThoseBelowIt() {
        table.add(files("in-cgroup", cgroupMatch(cgroup), 2));
        try (Workload deeper = inCgroup(below); Workload outside = Workload.start()) {
            assertEquals(Optional.of("in-cgroup"), table.holderOf(deeper.pid()), "a cgroup below the policy's matches");
            opensUntilKilled(deeper, 2);
            for (int i = 0; i < 4; i++) outside.open("/dev/null");
            assertEquals(Optional.empty(), table.holderOf(outside.pid()));
        }
    }

    @Test
    void aProcessMovedIntoTheCgroupBeforeThePolicyIsHeldFromThen() throws IOException {
        try (Workload w = Workload.start()) {
            for (int i = 0; i < 3; i++) w.open("/dev/null");
            Files.writeString(cgroup.resolve("cgroup.procs"), Integer.toString(w.pid()));
            table.add(files("moved", cgroupMatch(cgroup), 1));
            assertEquals(Optional.of("moved"), table.holderOf(w.pid()));
            opensUntilKilled(w, 1);
        }
    }

    @Test
    void aUidSelectsThatUsersProgramsAlone() {
        try (TestUser user = TestUser.create(); Workload running = user.workload()) {
            table.add(files("user-files", uidMatch(user.uid()), 2));
            assertEquals(Optional.of("user-files"), table.holderOf(running.pid()), "already running: held from now");
            try (Workload later = user.workload(); Workload root = Workload.start()) {
                assertEquals(Optional.of("user-files"), table.holderOf(later.pid()), "matched at its exec");
                opensUntilKilled(later, 2);
                for (int i = 0; i < 4; i++) root.open("/dev/null");
                assertEquals(Optional.empty(), table.holderOf(root.pid()), "root's program is not the user's");
            }
            opensUntilKilled(running, 2);
            assertTrue(table.list().getFirst().killed() == 2, table.list().toString());
        }
    }

    @Test
    void everySelectorGivenMustMatch() throws IOException {
        try (TestUser user = TestUser.create()) {
            Match both = new Match(Optional.empty(), false, Optional.of(cgroup), OptionalInt.of(user.uid()), Optional.empty());
            table.add(files("user-in-cgroup", both, 1));
            try (Workload rootInCgroup = inCgroup(cgroup); Workload userOutside = user.workload()) {
                assertEquals(Optional.empty(), table.holderOf(rootInCgroup.pid()), "the cgroup alone does not match");
                assertEquals(Optional.empty(), table.holderOf(userOutside.pid()), "the uid alone does not match");
            }
        }
    }
}
