package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.proc.ProcFs;
import restracker.sys.Errno;
import restracker.sys.NativeException;
import restracker.testing.Child;
import restracker.testing.Cli;
import restracker.testing.Loaded;
import restracker.testing.PrivilegedPrograms;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.testing.Workload;
import restracker.testing.Workload.WorkloadDied;

/**
 * Who may change what: a user's quotas bind only the user's own unprivileged programs, a user
 * cannot loosen what root set, and no quota reaches init through one of its threads.
 */
class OwnershipTest {
    private static final int KILLED = 128 + 9;
    @Loaded(trackerHooks = TrackerHooks.TRACEPOINT)
    private static ResourceTracker tracker;
    private static TestUser user;
    private static Actor actor;
    private static PrivilegedPrograms helpers;

    @BeforeAll
    static void load() throws Exception {
        user = TestUser.create();
        actor = new Actor(user.uid());
        helpers = PrivilegedPrograms.build();
    }

    @AfterAll
    static void unload() throws Exception {
        if (user != null) user.close();
        if (helpers != null) helpers.close();
    }

    private static int errno(Runnable op) {
        return assertThrows(NativeException.class, op::run).errno().number();
    }

    // ---- 1. a user's quota and a setuid program ----

    @Test
    void aSetuidProgramShedsTheQuotaItsUserSet() throws Exception {
        try (Workload w = user.workload()) {
            tracker.register(w.pid(), false, actor);
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 2), false, actor);
            w.sendNoReply("exec " + helpers.suid());
            assertEquals(0, w.waitForExit(), "the setuid-root helper ran to its end: the user's quota no longer binds it");
            KillEvent drop = tracker.events().events().stream().filter(e -> e.pid() == w.pid()).findFirst()
                    .orElseThrow(() -> new AssertionError("the drop is logged: " + tracker.events()));
            assertEquals(KillEvent.Reason.PRIVILEGES, drop.reason());
            assertEquals(0, drop.usage(), "the new effective uid");
            assertEquals(user.uid(), drop.limit(), "whose quota was dropped");
            assertEquals(1, tracker.events().quotaDrops());
            Cli.Result events = Cli.run(TestKernel.pinDir(OwnershipTest.class), "", "events", "--pid", Integer.toString(w.pid()));
            assertTrue(events.out().contains("tid " + w.pid() + ": quota of uid " + user.uid()
                    + " dropped: privileges gained at exec (effective uid 0)"), events.out());
        }
    }

    @Test
    void anUnprivilegedProgramKeepsItsUsersQuota() {
        try (Workload w = user.workload()) {
            tracker.register(w.pid(), false, actor);
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 2), false, actor);
            w.sendNoReply("exec " + helpers.plain());
            assertEquals(KILLED, w.waitForExit(), "no privilege gained: the user's quota still binds");
        }
    }

    @Test
    void aSetuidProgramKeepsTheQuotaRootSet() {
        try (Workload w = user.workload()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 2), false);
            w.sendNoReply("exec " + helpers.suid());
            assertEquals(KILLED, w.waitForExit(), "root's quota binds whatever the program becomes");
        }
    }

    @Test
    void aUserCannotCapAProgramThatAlreadyGainedPrivileges() throws Exception {
        // A setuid-root copy of the workload started by the user: real uid the user's, effective and saved root's.
        Path suidWorkload = helpers.resolve("suid-workload");
        Files.copy(Workload.binary(), suidWorkload);
        assertEquals(0, Child.run(new ProcessBuilder("chmod", "4755", suidWorkload.toString()), "chmod", Duration.ofSeconds(30))
                .status(), "chmod 4755: root's (the test's), setuid");
        try (Workload w = Workload.start(List.of("setpriv", "--reuid=" + user.name(), "--regid=" + user.name(),
                "--clear-groups"), suidWorkload)) {
            tracker.register(w.pid(), false, actor); // kill(2) would let the user signal it: counting is fine
            assertEquals(Errno.EPERM.number(), errno(() -> tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 0), false, actor)));
            w.open("/dev/null"); // not bound
            tracker.deregister(w.pid(), actor);
        }
    }

    // ---- 2. what root set, a user cannot lift ----

    @Test
    void aUserCannotLiftOrLoosenRootsQuota() {
        try (Workload w = user.workload()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 1), false);
            assertEquals(Errno.EPERM.number(), errno(() -> tracker.reset(w.pid(), actor)));
            assertEquals(Errno.EPERM.number(), errno(() -> tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 100), true, actor)));
            assertEquals(Errno.EPERM.number(), errno(() -> tracker.deregister(w.pid(), actor)));
            assertEquals(new Quota(Quota.UNLIMITED, 1), tracker.fetch(w.pid()).quota(), "nothing changed");
            w.open("/dev/null");
            WorkloadDied died = assertThrows(WorkloadDied.class, () -> w.open("/dev/null"));
            assertEquals(KILLED, died.exitStatus());
        }
    }

    @Test
    void aUserMayTightenRootsQuotaAndLiftOnlyItsOwn() {
        try (Workload w = user.workload()) {
            tracker.register(w.pid(), false, actor);
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 5), false);
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 3), false, actor);
            assertEquals(new Quota(Quota.UNLIMITED, 3), tracker.fetch(w.pid()).quota(), "the tightest binds");
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 4), true, actor);
            assertEquals(new Quota(Quota.UNLIMITED, 4), tracker.fetch(w.pid()).quota());
            assertEquals(Errno.EPERM.number(), errno(() -> tracker.reset(w.pid(), actor)));
            assertEquals(Errno.EPERM.number(), errno(() -> tracker.deregister(w.pid(), actor)));
            tracker.reset(w.pid()); // root lifts both layers
            assertEquals(Quota.NONE, tracker.fetch(w.pid()).quota());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 4), false, actor);
            tracker.reset(w.pid(), actor); // its own, with no root layer
            assertEquals(Quota.NONE, tracker.fetch(w.pid()).quota());
            tracker.deregister(w.pid(), actor);
        }
    }

    @Test
    void aUserCannotTrackOthersProcesses() {
        try (Workload root = Workload.start()) {
            assertEquals(Errno.EPERM.number(), errno(() -> tracker.register(root.pid(), false, actor)));
            tracker.register(root.pid());
            assertEquals(Errno.EPERM.number(), errno(() -> tracker.cap(root.pid(), new Quota(Quota.UNLIMITED, 0), false, actor)));
            assertEquals(Errno.EPERM.number(), errno(() -> tracker.deregister(root.pid(), actor)));
            root.open("/dev/null"); // alive, unbound
            tracker.deregister(root.pid());
        }
    }

    // ---- 3. init through one of its threads ----

    @Test
    void noQuotaOnAnyThreadOfInit() {
        List<Integer> threads = ProcFs.threads(1).stream().filter(t -> t != 1).toList();
        org.junit.jupiter.api.Assumptions.assumeFalse(threads.isEmpty(), "pid 1 has no other thread here");
        int tid = threads.getFirst();
        assertEquals(Scope.THREAD, tracker.register(tid));
        try {
            // Generous, so that even a wrong acceptance kills nothing.
            assertEquals(Errno.EPERM.number(), errno(() -> tracker.cap(tid, new Quota(Quota.UNLIMITED, 1_000_000), false)));
        } finally {
            tracker.deregister(tid);
        }
    }
}
