package restracker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.testing.Workload;
import restracker.tracker.KillEvent;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * A cgroup or uid policy covers what enters its cgroup or uid without an exec: a process moved into
 * the cgroup by another (a write to cgroup.procs), or one whose real uid changes by setuid(),
 * setreuid() or setresuid() (a root master's worker dropping to a service user), is held from that
 * moment; one that leaves keeps what it has.
 */
@Timeout(300)
class PolicyWithoutExecTest {
    static ResourceTracker tracker;
    static PolicyTable table;
    static Path root, cgroup, below, plain;

    @BeforeAll
    static void load() throws IOException {
        tracker = TestKernel.tracker(PolicyWithoutExecTest.class);
        table = new PolicyTable(tracker);
        root = PolicySelectorsTest.cgroup2Root();
        cgroup = root.resolve("restracker-moves-" + ProcessHandle.current().pid());
        below = cgroup.resolve("below");
        plain = root.resolve("restracker-plain-" + ProcessHandle.current().pid());
        Files.createDirectories(below);
        Files.createDirectories(plain);
    }

    @AfterAll
    static void unload() throws IOException {
        TestKernel.unload(PolicyWithoutExecTest.class, tracker);
        for (Path dir : new Path[] {below, cgroup, plain}) if (dir != null) Files.deleteIfExists(dir);
    }

    @AfterEach
    void noPolicies() {
        table.replaceAll(List.of());
    }

    static Policy audit(String name, Match m, int files) {
        return new Policy(name, m, new Quota(Quota.UNLIMITED, files), Mode.AUDIT, OptionalInt.empty());
    }

    /** Moves w into dir as an operator does: this JVM writes its pid to cgroup.procs (then /proc says so). */
    static void move(Workload w, Path dir) throws IOException {
        Files.writeString(dir.resolve("cgroup.procs"), Integer.toString(w.pid()));
        List<String> lines = Files.readAllLines(Path.of("/proc", Integer.toString(w.pid()), "cgroup"));
        assertTrue(lines.contains("0::/" + root.relativize(dir)), "moved to " + dir + ": " + lines);
    }

    static void opens(Workload w, int n) {
        for (int i = 0; i < n; i++) w.open("/dev/null");
    }

    @Test
    void aProcessMovedIntoThePolicysCgroupIsHeldFromTheMove() throws IOException {
        table.add(PolicySelectorsTest.files("moved-in", PolicySelectorsTest.cgroupMatch(cgroup), 2));
        try (Workload w = PolicySelectorsTest.inCgroup(plain); Workload stays = PolicySelectorsTest.inCgroup(plain)) {
            opens(w, 3);
            assertEquals(Optional.empty(), table.holderOf(w.pid()), "a plain cgroup is no policy's");
            move(w, cgroup);
            assertEquals(Optional.of("moved-in"), table.holderOf(w.pid()));
            assertEquals(Optional.of("moved-in"), tracker.fetch(w.pid()).policy());
            PolicySelectorsTest.opensUntilKilled(w, 2);
            opens(stays, 4);
            assertEquals(Optional.empty(), table.holderOf(stays.pid()), "one left in the plain cgroup is not held");
        }
        assertEquals(1, table.list().getFirst().killed(), table.list().toString());
    }

    @Test
    void aMoveBelowAnAuditPolicysCgroupIsLoggedNamingIt() throws IOException {
        table.add(audit("moved-below", PolicySelectorsTest.cgroupMatch(cgroup), 1));
        try (Workload w = PolicySelectorsTest.inCgroup(plain)) {
            opens(w, 2);
            move(w, below);
            opens(w, 3);
            assertEquals(3, tracker.fetch(w.pid()).openFiles(), "alive, counted from the move");
            List<KillEvent> events = tracker.events().events().stream().filter(e -> e.pid() == w.pid()).toList();
            assertEquals(1, events.size(), events.toString());
            assertEquals(KillEvent.Kind.AUDIT, events.getFirst().kind());
            assertEquals(Optional.of("moved-below"), events.getFirst().policy());
            assertEquals(2, events.getFirst().usage());
            assertEquals(1, events.getFirst().limit());
        }
    }

    @Test
    void aProcessThatLeavesTheCgroupKeepsWhatItHas() throws IOException {
        table.add(PolicySelectorsTest.files("left", PolicySelectorsTest.cgroupMatch(cgroup), 2));
        try (Workload w = PolicySelectorsTest.inCgroup(cgroup)) {
            assertEquals(Optional.of("left"), table.holderOf(w.pid()), "held from its exec");
            move(w, plain);
            assertEquals(Optional.of("left"), table.holderOf(w.pid()), "kept until its next exec");
            PolicySelectorsTest.opensUntilKilled(w, 2);
        }
    }

    @Test
    void aMoveIntoATighterPolicysCgroupTakesItsQuotaAndALooserOneChangesNothing() throws IOException {
        table.add(PolicySelectorsTest.files("loose", PolicySelectorsTest.cgroupMatch(plain), 6));
        table.add(PolicySelectorsTest.files("tight", PolicySelectorsTest.cgroupMatch(cgroup), 2));
        try (Workload tightened = PolicySelectorsTest.inCgroup(plain); Workload kept = PolicySelectorsTest.inCgroup(cgroup)) {
            assertEquals(Optional.of("loose"), table.holderOf(tightened.pid()));
            opens(tightened, 1);
            move(tightened, cgroup);
            assertEquals(Optional.of("tight"), table.holderOf(tightened.pid()), "the tighter quota applies");
            move(kept, plain);
            assertEquals(Optional.of("tight"), table.holderOf(kept.pid()), "a looser policy takes nothing over");
            PolicySelectorsTest.opensUntilKilled(tightened, 1);
            PolicySelectorsTest.opensUntilKilled(kept, 2);
        }
    }

    @Test
    void aRootProcessThatDropsToASelectedUserIsHeldFromTheChange() {
        try (TestUser user = TestUser.create(); Workload w = Workload.start()) {
            int uid = user.uid();
            table.add(PolicySelectorsTest.files("service-user", PolicySelectorsTest.uidMatch(uid), 2));
            opens(w, 3);
            assertEquals(Optional.empty(), table.holderOf(w.pid()), "root's process is not the user's");
            assertEquals(uid, w.changeUids("setresuid", uid, uid, uid));
            assertEquals(Optional.of("service-user"), tracker.fetch(w.pid()).policy());
            PolicySelectorsTest.opensUntilKilled(w, 2);
            List<KillEvent> events = tracker.events().events().stream().filter(e -> e.pid() == w.pid()).toList();
            assertEquals(1, events.size(), events.toString());
            assertEquals(Optional.of("service-user"), events.getFirst().policy());
        }
    }

    /** Each syscall that can change the real uid, as a worker calls it (the saved uid stays root's where it can). */
    @ParameterizedTest
    @ValueSource(strings = {"setuid", "setreuid", "setresuid"})
    void everySyscallThatChangesTheRealUidIsSeen(String syscall) {
        try (TestUser user = TestUser.create(); Workload w = Workload.start()) {
            int uid = user.uid();
            table.add(audit("by-" + syscall, PolicySelectorsTest.uidMatch(uid), 1));
            long[] ids = switch (syscall) {
                case "setuid" -> new long[] {uid};
                case "setreuid" -> new long[] {uid, -1};
                default -> new long[] {uid, -1, -1};
            };
            assertEquals(uid, w.changeUids(syscall, ids));
            assertEquals(Optional.of("by-" + syscall), table.holderOf(w.pid()));
        }
    }

    @Test
    void aChangeToAnotherUidOrOfTheEffectiveUidAloneIsNotMatched() {
        try (TestUser user = TestUser.create(); Workload other = Workload.start(); Workload effective = Workload.start()) {
            int uid = user.uid();
            table.add(PolicySelectorsTest.files("service-user", PolicySelectorsTest.uidMatch(uid), 1));
            int unselected = uid + 1000;
            assertEquals(unselected, other.changeUids("setresuid", unselected, unselected, unselected));
            assertEquals(0, effective.changeUids("setreuid", -1, uid), "the real uid stays root's");
            opens(other, 3);
            opens(effective, 3);
            assertEquals(Optional.empty(), table.holderOf(other.pid()));
            assertEquals(Optional.empty(), table.holderOf(effective.pid()));
        }
    }
}
