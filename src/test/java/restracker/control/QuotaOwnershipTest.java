package restracker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.proc.ProcFs;
import restracker.testing.Cli;
import restracker.testing.DaemonJvm;
import restracker.testing.Loaded;
import restracker.testing.PrivilegedPrograms;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * Who owns a quota, end to end: a user's CLI through a real daemon cannot lift or loosen a quota
 * root set (it may tighten it), a user's quota does not follow its program into a setuid binary
 * while root's does, and root's own CLI refuses a quota on a thread of init.
 */
class QuotaOwnershipTest {
    private static final int KILLED = 128 + 9;
    @Loaded
    private static ResourceTracker tracker;
    private static TestUser user;
    private static DaemonJvm daemon;
    private static PrivilegedPrograms programs;

    @BeforeAll
    static void start() throws Exception {
        user = TestUser.create();
        daemon = DaemonJvm.start(TestKernel.pinDir(QuotaOwnershipTest.class));
        programs = PrivilegedPrograms.build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) daemon.close();
        if (user != null) user.close();
        if (programs != null) programs.close();
    }

    private static Cli.Result asUser(String... args) throws Exception {
        return user.cli(Map.of("RESTRACKER_CONTROL_SOCKET", daemon.socket().toString()), List.of(), args);
    }

    private static void assertRefused(Cli.Result r, String sentence) {
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.err().startsWith("restracker: ") && r.err().contains(sentence) && r.err().endsWith("[EPERM (1)]\n"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aUserCannotLiftOrLoosenWhatRootSetButMayTightenIt() throws Exception {
        try (Workload w = user.workload()) {
            String pid = Integer.toString(w.pid());
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 3), false);
            assertRefused(asUser("reset", pid), "its quotas were set by root, and uid " + user.uid() + " may only tighten them");
            assertRefused(asUser("cap", pid, "--files", "100", "--replace"), "may only tighten root's quotas");
            assertRefused(asUser("deregister", pid), "uid " + user.uid());
            assertEquals(new Quota(Quota.UNLIMITED, 3), tracker.fetch(w.pid()).quota(), "root's quota is unchanged");

            Cli.Result r = asUser("cap", pid, "--files", "1", "--replace");
            assertEquals(0, r.status(), r.err());
            assertEquals(new Quota(Quota.UNLIMITED, 1), tracker.fetch(w.pid()).quota(), "the user tightened it");
            w.open("/dev/null");
            assertEquals(KILLED, assertThrows(Workload.WorkloadDied.class, () -> w.open("/dev/null")).exitStatus(),
                    "the tighter quota binds");
        }
    }

    @Test
    void aUsersQuotaStaysBehindAtASetuidExecAndRootsDoesNot() throws Exception {
        Cli.Result r = asUser("run", "--files", "2", "--", programs.plain().toString());
        assertEquals(KILLED, r.status(), "an unprivileged program is bound by its user's quota: " + r.out() + r.err());

        r = asUser("run", "--files", "2", "--", programs.suid().toString());
        assertEquals(0, r.status(), "the setuid-root program ran to its end: " + r.err());
        assertEquals("ok opened 5 as uid 0\n", r.out());
        Cli.Result events = asUser("events");
        assertTrue(events.out().contains("quota of uid " + user.uid() + " dropped: privileges gained at exec (effective uid 0)"),
                events.out());

        try (Workload w = user.workload()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 2), false);
            w.sendNoReply("exec " + programs.suid());
            assertEquals(KILLED, w.waitForExit(), "root's quota binds whatever the program becomes");
        }
    }

    @Test
    void rootsCliRefusesAQuotaOnAThreadOfInit() throws Exception {
        List<Integer> threads = ProcFs.threads(1).stream().filter(t -> t != 1).toList();
        Assumptions.assumeFalse(threads.isEmpty(), "pid 1 has no other thread here");
        String tid = Integer.toString(threads.getFirst());
        var pinDir = TestKernel.pinDir(QuotaOwnershipTest.class);
        assertEquals(0, Cli.run(pinDir, "", "register", tid).status());
        try {
            // Generous, so that even a wrong acceptance kills nothing.
            Cli.Result r = Cli.run(pinDir, "", "cap", tid, "--files", "1000000");
            assertEquals(1, r.status(), r.out() + r.err());
            assertTrue(r.err().contains("init"), r.err());
            assertEquals(Quota.NONE, tracker.fetch(threads.getFirst()).quota());
        } finally {
            Cli.run(pinDir, "", "deregister", tid);
        }
    }
}
