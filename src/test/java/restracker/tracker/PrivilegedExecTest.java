package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.testing.TestKernel;
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
    private static ResourceTracker tracker;
    private static Path dir;

    private static final String HELPER = """
            #include <fcntl.h>
            #include <unistd.h>
            int main(void) {
                setuid(0);
                for (int i = 0; i < 5; i++) open("/dev/null", O_RDONLY);
                return 0;
            }
            """;

    @BeforeAll
    static void load() throws Exception {
        tracker = TestKernel.tracker(PrivilegedExecTest.class, List.of(TrackerHooks.TRACEPOINT));
        dir = Files.createTempDirectory(Path.of("/tmp"), "rt-privexec-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.writeString(dir.resolve("helper.c"), HELPER);
        Process cc = new ProcessBuilder("cc", "-O2", "-o", dir.resolve("plain").toString(), dir.resolve("helper.c").toString())
                .redirectErrorStream(true).start();
        String out = new String(cc.getInputStream().readAllBytes());
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "cc: " + out);
        Files.copy(dir.resolve("plain"), dir.resolve("suid"));
        Files.copy(dir.resolve("plain"), dir.resolve("fcaps"));
        Files.copy(Workload.binary(), dir.resolve("workload"));
        for (String f : List.of("plain", "suid", "fcaps", "workload")) {
            Files.setPosixFilePermissions(dir.resolve(f), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        new ProcessBuilder("chmod", "4755", dir.resolve("suid").toString()).start().waitFor(10, TimeUnit.SECONDS);
        // A file capability alone: the uids stay nobody's, only cap_permitted changes.
        Process setcap = new ProcessBuilder("setcap", "cap_net_bind_service+ep", dir.resolve("fcaps").toString())
                .redirectErrorStream(true).start();
        String why = new String(setcap.getInputStream().readAllBytes());
        assertTrue(setcap.waitFor(10, TimeUnit.SECONDS) && setcap.exitValue() == 0, "setcap: " + why);
    }

    @AfterAll
    static void unload() throws Exception {
        if (dir != null) {
            try (var all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        TestKernel.unload(PrivilegedExecTest.class, tracker);
    }

    private static Workload asNobody() {
        return Workload.start(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"),
                dir.resolve("workload"));
    }

    private static int execCapped(String program) {
        try (Workload w = asNobody()) {
            tracker.register(w.pid(), false, new Actor(NOBODY));
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 2), false, new Actor(NOBODY));
            w.sendNoReply("exec " + dir.resolve(program));
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
