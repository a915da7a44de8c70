package restracker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import restracker.daemon.Daemon;
import restracker.daemon.Listen;
import restracker.sys.Libc;
import restracker.testing.Child;
import restracker.testing.Cli;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * The pin directory is a private bpffs instance, unmounted (lazily, as `umount -l` does) behind
 * restracker's back while a process is tracked and capped. The pins, and with them the hooks, go
 * with the filesystem. The CLI must say so, with ENODEV (19), never answer from a state that is
 * gone, never load a new one into a directory that cannot hold pins, and never crash; a running
 * daemon answers with the same sentence.
 * (PinnedStateTest covers one pinned map removed.)
 */
class BpffsUnmountedTest {
    private Path dir;
    private boolean mounted;

    @BeforeEach
    void mountPrivateBpffs() throws Exception {
        TestKernel.requireBpf();
        dir = Path.of("/tmp/restracker-test-bpffs-" + ProcessHandle.current().pid());
        Files.createDirectories(dir);
        Libc.mount("bpf", dir.toString(), "bpf", "mode=0700"); // restracker trusts only a pin directory that is root's alone
        mounted = true;
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (mounted) umountLazily();
        Files.deleteIfExists(dir);
    }

    private void umountLazily() throws Exception {
        Child.Output o = Child.run(new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true),
                "umount -l " + dir, java.time.Duration.ofSeconds(30));
        assertEquals(0, o.status(), "umount -l " + dir + ": " + o.out());
        mounted = false;
    }

    @Test
    void theCliReportsTheGoneStateWithEnodevAndLoadsNothing() throws Exception {
        try (Workload w = Workload.start()) {
            try (ResourceTracker t = ResourceTracker.open(dir)) {
                t.register(w.pid());
                t.cap(w.pid(), new Quota(Quota.UNLIMITED, 5), false);
            }
            Cli.Result before = Cli.run(dir, "", "fetch", Integer.toString(w.pid()));
            assertEquals(0, before.status(), before.err());
            Daemon daemon = Daemon.start(dir, new Listen("127.0.0.1", 0));
            try {
                umountLazily();
                // The daemon, already running, answers with the same sentence (a server-side fault: 500).
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + daemon.address().getPort() + "/api/processes")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(500, r.statusCode(), r.body());
                assertTrue(r.body().contains("is not on a BPF filesystem"), r.body());
            } finally {
                daemon.close();
            }

            assertEquals(Libc.fileSystemType("/tmp"), Libc.fileSystemType(dir.toString()), "bpffs is gone from " + dir);
            for (String[] args : new String[][] {{"fetch", Integer.toString(w.pid())}, {"register", Integer.toString(w.pid())},
                    {"cap", Integer.toString(w.pid()), "--files", "1"}, {"status"}, {"events"}}) {
                Cli.Result r = Cli.run(dir, "", args);
                assertEquals(19, r.status(), String.join(" ", args) + ": " + r.err());
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().contains("is not on a BPF filesystem") && r.err().endsWith("[ENODEV (19)]\n"), r.err());
                assertEquals("", r.out());
            }
            assertFalse(Files.exists(dir.resolve("tracker")), "no state was created outside bpffs");

            // The hooks went with the pins: the old quota of 5 files no longer binds (unload's effect).
            for (int i = 0; i < 8; i++) w.open("/dev/null");
            assertTrue(w.alive(), "not killed by a state that has gone");
        }
    }
}
