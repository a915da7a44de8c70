package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.testing.Loaded;
import restracker.testing.PrivilegedPrograms;
import restracker.testing.Workload;

/**
 * The kernel side's reading of the credentials exec commits, as uid 65534 (nobody), which every
 * system has: so it also runs where no user can be created for a test (the qemu lane's read-only
 * root, on the older kernel whose kernel_cap_t has another shape). OwnershipTest covers the same
 * ground with a created user.
 */
class PrivilegedExecTest {
    private static final int NOBODY = 65534;
    private static final int KILLED = 128 + 9;
    @Loaded(trackerHooks = TrackerHooks.TRACEPOINT)
    private static ResourceTracker tracker;
    private static PrivilegedPrograms programs;

    @BeforeAll
    static void load() throws Exception {
        programs = PrivilegedPrograms.build();
    }

    @AfterAll
    static void unload() throws Exception {
        if (programs != null) programs.close();
    }

    private static Workload asNobody() {
        return Workload.start(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"),
                programs.workload());
    }

    private static int execCapped(String program) {
        try (Workload w = asNobody()) {
            tracker.register(w.pid(), false, new Actor(NOBODY));
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 2), false, new Actor(NOBODY));
            w.sendNoReply("exec " + programs.resolve(program));
            return w.waitForExit();
        }
    }

    @Test
    void aSetuidRootExecDropsTheUsersQuota() {
        assertEquals(0, execCapped("suid"));
        assertTrue(tracker.events().events().stream().anyMatch(e -> e.reason() == KillEvent.Reason.PRIVILEGES
                && e.limit() == NOBODY && e.usage() == 0), tracker.events().toString());
    }

    @Test
    void anExecGainingAFileCapabilityDropsTheUsersQuota() {
        assertEquals(0, execCapped("fcaps"));
        assertTrue(tracker.events().events().stream().anyMatch(e -> e.reason() == KillEvent.Reason.PRIVILEGES
                && e.limit() == NOBODY && e.usage() == NOBODY), tracker.events().toString());
    }

    @Test
    void anUnprivilegedExecKeepsIt() {
        assertEquals(KILLED, execCapped("plain"));
    }
}
