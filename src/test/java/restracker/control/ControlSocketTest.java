package restracker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.cli.Main;
import restracker.sys.UnixSocket;
import restracker.testing.Child;
import restracker.testing.Cli;
import restracker.testing.JsonTree;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * A user without root manages its own processes through the CLI, which goes through a real daemon's
 * control socket: it may register, cap, fetch, reset and deregister what it owns, and gets EPERM on
 * root's processes with nothing changed. From inside a pid namespace its pids mean its namespace's
 * processes. Garbage on the socket gets an error, never a changed state or a stuck daemon.
 */
class ControlSocketTest {
    @Loaded
    private static ResourceTracker tracker;
    private static TestUser user;
    private static Path socketDir;
    private static Path socket;
    private static Child daemon;

    @BeforeAll
    static void start() throws Exception {
        user = TestUser.create();
        socketDir = Files.createTempDirectory("restracker-control-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        socket = socketDir.resolve("control.sock");
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "daemon", "--listen", "127.0.0.1:0", "--control", socket.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("RESTRACKER_PIN_DIR", TestKernel.pinDir(ControlSocketTest.class).toString());
        daemon = Child.start(pb, "restracker daemon");
        String line = daemon.nextLine(Duration.ofSeconds(60));
        assertTrue(line.contains("control socket " + socket), "the daemon serves the control socket: " + line);
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.stop(Duration.ofSeconds(30));
        }
        if (user != null) user.close();
        if (socketDir != null) {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socketDir);
        }
    }

    private static Cli.Result asUser(String... args) throws Exception {
        return user.cli(Map.of("RESTRACKER_CONTROL_SOCKET", socket.toString()), List.of(), args);
    }

    @Test
    void socketIsConnectableByAnyoneButOnlyRootCanReplaceIt() throws Exception {
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("root", Files.getOwner(socket).getName());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(socketDir)));
    }

    @Test
    void userManagesItsOwnProcessAndItsQuotaIsEnforced() throws Exception {
        try (Workload own = user.workload()) {
            int pid = own.pid();
            Cli.Result r = asUser("register", Integer.toString(pid));
            assertEquals(0, r.status(), r.err());
            assertEquals("registered process " + pid + "\n", r.out());
            r = asUser("cap", Integer.toString(pid), "--files", "2", "--heap", "64M");
            assertEquals(0, r.status(), r.err());
            r = asUser("fetch", Integer.toString(pid), "--json");
            assertEquals(0, r.status(), r.err());
            JsonNode shown = JsonTree.parse(r.out());
            assertEquals(2, shown.get("openfile_quota").asLong(), r.out());
            assertEquals(64L << 20, shown.get("heapsize_quota_bytes").asLong(), r.out());
            assertEquals(new Quota(64L << 20, 2), tracker.fetch(pid).quota(), "the kernel's table holds what the user set");

            r = asUser("reset", Integer.toString(pid));
            assertEquals(0, r.status(), r.err());
            assertEquals(Quota.NONE, tracker.fetch(pid).quota());
            r = asUser("cap", Integer.toString(pid), "--files", "1");
            assertEquals(0, r.status(), r.err());
            own.open("/dev/null");
            var died = assertThrows(Workload.WorkloadDied.class, () -> own.open("/dev/null"),
                    "the second file crosses the quota the user set");
            assertEquals(137, died.exitStatus());
            r = asUser("events");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("pid " + pid + " (workload)") && r.out().contains("files quota 1 exceeded (2)"), r.out());
        }
    }

    @Test
    void userRunsAProgramTrackedAndCapped() throws Exception {
        Cli.Result r = asUser("run", "--files", "1", "--", "sh", "-c", "exec 3</dev/null 4</dev/null; echo survived");
        assertEquals(137, r.status(), r.out() + r.err());
        assertFalse(r.out().contains("survived"), r.out());
        assertTrue(r.err().matches("(?s)restracker: sh -c .* \\(pid \\d+\\) was killed: files quota 1 exceeded \\(2\\) at \\w+\\(\\)\n"),
                r.err());
        r = asUser("run", "--heap", "64M", "--", "sh", "-c", "echo fine");
        assertEquals(0, r.status(), r.err());
        assertEquals("fine\n", r.out());
    }

    @Test
    void userDeregistersItsOwnProcess() throws Exception {
        try (Workload own = user.workload()) {
            assertEquals(0, asUser("register", Integer.toString(own.pid())).status());
            Cli.Result r = asUser("deregister", Integer.toString(own.pid()));
            assertEquals(0, r.status(), r.err());
            assertEquals(22, asUser("fetch", Integer.toString(own.pid())).status(), "no longer tracked");
        }
    }

    @Test
    void rootsProcessIsRefusedWithEpermAndNothingChanges() throws Exception {
        try (Workload roots = Workload.start(); Workload untracked = Workload.start()) {
            String pid = Integer.toString(roots.pid());
            tracker.register(roots.pid());
            tracker.cap(roots.pid(), new Quota(-1, 100), false);
            for (String[] args : List.of(new String[] {"cap", pid, "--files", "0", "--replace"},
                    new String[] {"reset", pid}, new String[] {"deregister", pid}, new String[] {"tracer", "add", pid},
                    new String[] {"register", Integer.toString(untracked.pid())})) {
                Cli.Result r = asUser(args);
                assertEquals(1, r.status(), String.join(" ", args) + ": " + r.out() + r.err());
                assertTrue(r.err().startsWith("restracker: cannot ") && r.err().contains("belongs to uid 0")
                        && r.err().strip().endsWith("[EPERM (1)]") && r.err().strip().lines().count() == 1, r.err());
            }
            assertEquals(new Quota(-1, 100), tracker.fetch(roots.pid()).quota(), "root's quotas untouched");
            assertTrue(roots.alive() && untracked.alive());
            assertThrows(RuntimeException.class, () -> tracker.fetch(untracked.pid()), "not registered by the refusal");
            Cli.Result r = asUser("fetch", pid);
            assertEquals(0, r.status(), "reading is open to every user, as the HTTP API is: " + r.err());
        }
    }

    @Test
    void rootOnlyCommandsStayRootOnly() throws Exception {
        Cli.Result r = asUser("unload");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("EPERM (1)"), r.err());
        assertTrue(Files.isDirectory(TestKernel.pinDir(ControlSocketTest.class).resolve("tracker")), "still loaded");
    }

    @Test
    void withoutADaemonTheUserIsToldWhatToDo() throws Exception {
        Cli.Result r = user.cli(Map.of("RESTRACKER_CONTROL_SOCKET", socketDir.resolve("absent.sock").toString()),
                List.of(), "register", "1");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("restracker daemon") && r.err().strip().endsWith("[EPERM (1)]"), r.err());
    }

    @Test
    void pidsFromInsideAPidNamespaceMeanThatNamespacesProcesses() throws Exception {
        // As the user, in a new user and pid namespace (a container, "root" inside): the sleep the
        // shell starts has a small pid there and another on the host. The namespace lives until the
        // test has looked at the host's side (the user may write only in its handshake directory).
        Path handshake = Files.createTempDirectory(socketDir, "ns-");
        assertEquals(0, Child.run(new ProcessBuilder("chown", user.name(), handshake.toString()), "chown", Duration.ofSeconds(30)).status());
        String script = "sleep 60 & echo inner=$!; \"$@\" register $! || exit 1; touch " + handshake + "/registered;"
                + " while [ ! -e " + handshake + "/done ]; do sleep 0.1; done";
        var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return user.cli(Map.of("RESTRACKER_CONTROL_SOCKET", socket.toString()), List.of("unshare", "--user",
                        "--map-root-user", "--pid", "--fork", "--mount-proc", "sh", "-c", script, "sh"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(handshake.resolve("registered")) && !run.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(handshake.resolve("registered")), "registered from inside the namespace");
            var tracked = tracker.list().stream().filter(e -> e.comm().equals("sleep")).toList();
            assertEquals(1, tracked.size(), "one process tracked: " + tracked);
            int host = tracked.get(0).pid();
            String nspid = Files.readAllLines(Path.of("/proc", Integer.toString(host), "status")).stream()
                    .filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow();
            List<String> ids = List.of(nspid.substring(6).strip().split("\\s+"));
            assertEquals(2, ids.size(), nspid);
            assertEquals(Integer.toString(host), ids.get(0));
            Files.createFile(handshake.resolve("done"));
            Cli.Result r = run.get(60, TimeUnit.SECONDS);
            assertEquals(0, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("inner=" + ids.get(1) + "\n"), "the namespace named it " + ids.get(1) + ": " + r.out());
            assertTrue(r.out().contains("registered process " + host), "the answer names the host's pid: " + r.out());
        } finally {
            if (!Files.exists(handshake.resolve("done"))) Files.createFile(handshake.resolve("done"));
            run.handle((r, e) -> null).get(60, TimeUnit.SECONDS);
            try (var files = Files.list(handshake)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(handshake);
        }
    }

    @Test
    void garbageFramesGetAnErrorAndTheDaemonKeepsServing() throws Exception {
        byte[][] frames = {
            "hello".getBytes(StandardCharsets.US_ASCII),
            {'R', 'T', 'C', '1', 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // 2 GiB announced
            {'R', 'T', 'C', '1', 0, 0, 0, 3, 'x', 'y', 'z'}, // fields without NUL
            {'R', 'T', 'C', '1', 0, 0, 0, 4, '1', 0, 'u', 0}, // a pid that is no one's, an unknown command
        };
        for (byte[] frame : frames) {
            try (UnixSocket s = UnixSocket.connect(socket)) {
                s.timeouts(Duration.ofSeconds(30));
                s.send(frame, -1);
                byte[] buf = new byte[4096];
                UnixSocket.Received got = s.receive(buf);
                String reply = new String(buf, 0, Math.max(0, got.count()), StandardCharsets.UTF_8);
                assertTrue(got.count() == 0 || reply.contains("restracker: "), "an error or a closed connection: " + reply);
            }
        }
        // Idle connections hold a worker each for at most the I/O timeout; a real request still gets through.
        List<UnixSocket> idle = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) idle.add(UnixSocket.connect(socket));
            Cli.Result r = asUser("status");
            assertEquals(0, r.status(), r.err());
        } finally {
            idle.forEach(UnixSocket::close);
        }
    }
}
