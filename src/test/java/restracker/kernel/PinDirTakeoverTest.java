package restracker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import restracker.testing.Cli;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.testing.Workload;

/**
 * bpffs at /sys/fs/bpf is often world-writable (mode 1777): a user can make the pin directory (or
 * a directory above or under it) before root's first load. Root must then refuse it, at once and
 * with EACCES, rather than load into a directory the user owns, where the user could rename the
 * meta record away (the next call would load an empty state: every quota gone) or hold its flock
 * (every root call that changes the pin set would hang).
 */
class PinDirTakeoverTest {
    private static TestUser user;
    private Path pin;
    private Path extra;

    @BeforeAll
    static void createUser() {
        TestKernel.requireBpf();
        user = TestUser.create();
    }

    @AfterAll
    static void removeUser() {
        if (user != null) user.close();
    }

    @BeforeEach
    void fresh() throws Exception {
        pin = TestKernel.pinDir(PinDirTakeoverTest.class);
        extra = Path.of(pin + "-above");
        TestKernel.removeByHand(pin);
        TestKernel.removeByHand(extra);
    }

    @AfterEach
    void cleanUp() throws Exception {
        TestKernel.removeByHand(pin);
        TestKernel.removeByHand(extra);
    }

    /** rm -rf as root: it follows no symbolic link, and these trees may be the user's. */
    private static List<String> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertRefused(Cli.Result r, String... mentions) {
        assertEquals(13, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("restracker: ") && r.err().endsWith("[EACCES (13)]\n"), r.err());
        for (String m : mentions) assertTrue(r.err().contains(m), "names " + m + ": " + r.err());
        assertEquals("", r.out());
    }

    @Test
    void aPinDirectoryTheUserMadeFirstIsRefusedAndNothingIsLoadedIntoIt() throws Exception {
        assertEquals(0, user.sh("mkdir " + pin).status(), "the user can create directories on this bpffs");
        try (Workload w = Workload.start()) {
            String pid = Integer.toString(w.pid());
            assertRefused(Cli.run(pin, "", "register", pid), pin.toString(), user.name(), "0755");
            assertRefused(Cli.run(pin, "", "status"), pin.toString(), user.name());
            assertRefused(Cli.run(pin, "", "unload"), pin.toString(), user.name());
        }
        assertEquals(List.of(), entries(pin), "nothing of root's in the user's directory");
    }

    /** The user makes pin/tracker and holds its flock: root's load must not wait for the user. */
    @Test
    void aSubdirectoryTheUserMadeAndLocksIsRefusedWithoutWaiting() throws Exception {
        assertEquals(0, user.sh("mkdir -m 0777 " + pin + " && mkdir -m 0700 " + pin.resolve("tracker")).status());
        Process holder = user.background("exec flock " + pin.resolve("tracker") + " sleep 120");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (user.sh("flock -n " + pin.resolve("tracker") + " true").status() == 0) {
                assertTrue(System.nanoTime() < deadline, "the user's flock was never taken");
                Thread.sleep(50);
            }
            try (Workload w = Workload.start()) {
                assertRefused(Cli.run(pin, 20, "", "register", Integer.toString(w.pid())), pin.toString(), "0777");
            }
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRootPinDirectoryOthersCanReadIsRefused() throws Exception {
        Files.createDirectory(pin);
        Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Workload w = Workload.start()) {
            assertRefused(Cli.run(pin, "", "register", Integer.toString(w.pid())), pin.toString(), "root", "0755");
        }
        assertEquals(List.of(), entries(pin));
    }

    @Test
    void aDirectoryAboveThePinDirectoryThatOthersCanWriteIsRefused() throws Exception {
        Files.createDirectory(extra);
        Files.setPosixFilePermissions(extra, PosixFilePermissions.fromString("rwxrwxrwx")); // not sticky
        Path below = extra.resolve("pins");
        try (Workload w = Workload.start()) {
            assertRefused(Cli.run(below, "", "register", Integer.toString(w.pid())), extra.toString(), "root", "0777");
        }
        assertEquals(List.of(), entries(extra));
    }

    @Test
    void aDirectoryAboveThePinDirectoryThatTheUserOwnsIsRefused() throws Exception {
        assertEquals(0, user.sh("mkdir " + extra).status());
        Path below = extra.resolve("pins");
        try (Workload w = Workload.start()) {
            assertRefused(Cli.run(below, "", "register", Integer.toString(w.pid())), extra.toString(), user.name());
        }
        assertEquals(List.of(), entries(extra));
    }

    @Test
    void aPinDirectoryThatIsASymbolicLinkIsRefused() throws Exception {
        Files.createDirectory(extra, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(pin, extra);
        try (Workload w = Workload.start()) {
            assertRefused(Cli.run(pin, "", "register", Integer.toString(w.pid())), pin.toString(), "symbolic link");
        }
        assertEquals(List.of(), entries(extra), "nothing loaded where the link points");
    }

    /** Root's own pin directory: 0700 root, so another user can neither open, lock, list nor move it. */
    @Test
    void aPinDirectoryRootMadeIsOutOfTheUsersReach() throws Exception {
        try (Workload w = Workload.start(); Workload w2 = Workload.start()) {
            assertEquals(0, Cli.run(pin, "", "register", Integer.toString(w.pid())).status());
            for (Path d : List.of(pin, pin.resolve("tracker"), pin.resolve("tracker").resolve("links"))) {
                assertEquals(0, Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS), d + " owner");
                assertEquals(0700, (int) Files.getAttribute(d, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777, d + " mode");
            }
            TestUser.Shell lock = user.sh("flock -n " + pin.resolve("tracker") + " true");
            assertNotEquals(0, lock.status());
            assertTrue(lock.err().contains("Permission denied"), lock.err());
            TestUser.Shell lockTop = user.sh("flock -n " + pin + " true");
            assertNotEquals(0, lockTop.status());
            assertTrue(lockTop.err().contains("Permission denied"), lockTop.err());
            TestUser.Shell move = user.sh("mv " + pin + " " + extra);
            assertNotEquals(0, move.status(), "the sticky /sys/fs/bpf lets no one else move root's directory");
            TestUser.Shell list = user.sh("ls " + pin.resolve("tracker"));
            assertNotEquals(0, list.status());
            assertEquals(0, Cli.run(pin, 20, "", "register", Integer.toString(w2.pid())).status(), "root's calls go on");
        }
        assertEquals(0, Cli.run(pin, "", "unload").status());
    }

    /**
     * Where restracker mounts bpffs itself (a fresh boot: here a private mount namespace whose
     * /sys/fs/bpf is unmounted), it mounts it with mode 0700: the user can make nothing there.
     */
    @Test
    void bpffsThatRestrackerMountsIsRootsAlone() throws Exception {
        try (Workload w = Workload.start()) {
            String jvm = ProcessHandle.current().info().command().orElse("java");
            String script = "umount -l /sys/fs/bpf && [ \"$(stat -f -c %T /sys/fs/bpf)\" != bpf_fs ]"
                    + " && RESTRACKER_PIN_DIR=" + pin + " '" + jvm + "' --enable-native-access=ALL-UNNAMED -cp '"
                    + System.getProperty("java.class.path") + "' restracker.cli.Main register " + w.pid()
                    + " && stat -f -c %T /sys/fs/bpf && stat -c '%a %U' /sys/fs/bpf"
                    + " && setpriv --reuid=" + user.name() + " --regid=" + user.name() + " --clear-groups"
                    + " mkdir /sys/fs/bpf/mine; echo mkdir=$?";
            Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            boolean finished = p.waitFor(60, TimeUnit.SECONDS);
            if (!finished) p.destroyForcibly();
            String text = out.get(10, TimeUnit.SECONDS);
            assertTrue(finished, text);
            assertEquals(0, p.exitValue(), text);
            assertTrue(text.contains("bpf_fs\n1700 root\n"), "mounted by restracker with mode 0700: " + text);
            assertTrue(text.contains("Permission denied") && text.endsWith("mkdir=1\n"), text);
        }
        // The namespace and its bpffs are gone with the shell: so are the pins made there.
        assertTrue(Files.notExists(pin), "nothing pinned in the host's bpffs");
    }
}
