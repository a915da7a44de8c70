package restracker.seedabi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.testing.Child;
import restracker.testing.Cli;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/**
 * A program of the original interface under root's `run --seed-abi`: every error number of the
 * original calls (EINVAL 22, ESRCH 3, "already" 23, as the original design lists them), calls on
 * another process, the kill at the call that crosses a quota, reset and deregister, the tracer's
 * ioctls and its /proc/tracer table, and another base.
 */
class OriginalAbiClientTest {
    private static final String OK = "rc 0 errno 0";
    private static Path dir;
    private static OriginalPrograms programs;
    private static String noSuchPid;

    @BeforeAll
    static void build() throws Exception {
        TestKernel.requireBpf();
        dir = TestKernel.pinDir(OriginalAbiClientTest.class);
        PinnedState.unload(dir);
        programs = OriginalPrograms.build();
        // no pid reaches pid_max: a pid that names no process
        noSuchPid = Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).strip();
    }

    @AfterAll
    static void clean() {
        if (programs != null) programs.close();
        if (dir != null) PinnedState.unload(dir);
    }

    private static ClientSession client(String... runArgs) {
        return ClientSession.start(dir, programs.path(OriginalPrograms.CLIENT), List.of(runArgs));
    }

    private static String failed(int errno) {
        return "rc -1 errno " + errno;
    }

    @Test
    void everyErrorNumberOfTheOriginalCalls() throws Exception {
        // sh starts a child that exits at once and becomes sleep, which never reaps it: a zombie
        Process parent = new ProcessBuilder("sh", "-c", "/bin/true & exec sleep 60").start();
        ProcessHandle zombie = awaitZombieChild(parent);
        try (Workload other = Workload.start(); ClientSession c = client("--seed-abi")) {
            String w = Integer.toString(other.pid());
            assertEquals(OK, c.ask("sys 548"), "the sanity call");
            assertEquals(failed(22), c.ask("sys 549 0"));
            assertEquals(failed(22), c.ask("sys 549 -1"));
            assertEquals(failed(3), c.ask("sys 549 " + noSuchPid));
            assertEquals(failed(3), c.ask("sys 549 " + zombie.pid()), "a zombie");
            assertEquals(OK, c.ask("sys 549 self"));
            assertEquals(failed(23), c.ask("sys 549 self"));

            assertTrue(c.ask("fetch 0").startsWith(failed(22) + " "));
            assertTrue(c.ask("fetch " + w).startsWith(failed(22) + " "), "not tracked");
            assertEquals(failed(22), c.ask("fetch-null self"));
            assertEquals(failed(22), c.ask("fetch-ro self"), "a destination the caller cannot write");

            assertEquals(failed(22), c.ask("sys 551 0"));
            assertEquals(failed(3), c.ask("sys 551 " + w), "deregister of a process not tracked");

            assertEquals(failed(3), c.ask("sys 552 " + noSuchPid + " 1 1"));
            assertEquals(failed(22), c.ask("sys 552 " + w + " 1 1"));
            assertEquals(failed(3), c.ask("sys 553 " + noSuchPid));
            assertEquals(failed(22), c.ask("sys 553 " + w));
            assertEquals(0, c.exit().status());
        } finally {
            parent.destroyForcibly();
        }
    }

    private static ProcessHandle awaitZombieChild(Process parent) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ProcessHandle ch : parent.children().toList()) {
                Path status = Path.of("/proc", Long.toString(ch.pid()), "status");
                if (Files.readAllLines(status).stream().anyMatch(l -> l.startsWith("State:") && l.contains("zombie"))) return ch;
            }
            Thread.sleep(5);
        }
        parent.destroyForcibly();
        throw new AssertionError("no zombie child of pid " + parent.pid() + " within 30 s");
    }

    @Test
    void capResetFetchAndDeregisterOfItselfAndOfAnotherProcess() {
        try (Workload other = Workload.start(); ClientSession c = client("--seed-abi")) {
            String self = c.ask("pid"), w = Integer.toString(other.pid());
            assertEquals(OK, c.ask("sys 549 self"));
            assertEquals(OK, c.ask("sys 552 self 100 5"));
            assertEquals(failed(23), c.ask("sys 552 self 100 5"), "quotas already set");
            assertEquals(OK + " pid " + self + " heap 0 files 0 heap_quota 100 file_quota 5", c.ask("fetch self"));
            assertEquals(OK, c.ask("sys 553 self"));
            assertEquals(OK + " pid " + self + " heap 0 files 0 heap_quota -1 file_quota -1", c.ask("fetch self"));
            assertEquals(OK, c.ask("sys 552 self 200 7"), "after a reset quotas may be set again");
            assertEquals("ok", c.ask("mmap 30"));
            assertEquals(OK + " pid " + self + " heap 30 files 0 heap_quota 200 file_quota 7", c.ask("fetch self"));

            assertEquals(OK, c.ask("sys 549 " + w));
            assertEquals(OK, c.ask("sys 552 " + w + " 64 3"));
            other.open("/dev/null");
            other.open("/dev/null");
            assertEquals(OK + " pid " + w + " heap 0 files 2 heap_quota 64 file_quota 3", c.ask("fetch " + w));
            assertEquals(OK, c.ask("sys 551 " + w));
            assertTrue(c.ask("fetch " + w).startsWith(failed(22) + " "), "deregistered");
            assertEquals(OK, c.ask("sys 551 self"));
            assertEquals(failed(3), c.ask("sys 551 self"));
            Child.Output end = c.exit();
            assertEquals(0, end.status(), end.err());
        }
    }

    @Test
    void theCallThatCrossesAQuotaIsKilled() {
        try (ClientSession c = client("--seed-abi")) {
            assertEquals(OK, c.ask("sys 549 self"));
            assertEquals(OK, c.ask("sys 552 self -1 1"));
            assertEquals("fd 3 errno 0", c.ask("open /dev/null"));
            c.send("open /dev/null");
            Child.Output end = c.child().waitFor(ClientSession.ANSWER);
            assertEquals(128 + 9, end.status(), end.out() + end.err());
            assertTrue(end.out().endsWith("fd 3 errno 0\n"), end.out()); // nothing after the crossing
            assertTrue(end.err().contains(") was killed: files quota 1 exceeded (2) at openat()\n"), end.err());
        }
        try (ClientSession c = client("--seed-abi")) {
            assertEquals(OK, c.ask("sys 549 self"));
            assertEquals(OK, c.ask("sys 552 self 10 -1"));
            c.send("mmap 20");
            Child.Output end = c.child().waitFor(ClientSession.ANSWER);
            assertEquals(128 + 9, end.status(), end.out() + end.err());
            assertTrue(end.err().contains(") was killed: heap quota 10 MiB exceeded"), end.err());
        }
    }

    @Test
    void theTracerDeviceAndTable() throws Exception {
        try (Workload other = Workload.start(); ClientSession c = client("--seed-abi")) {
            String w = Integer.toString(other.pid());
            assertEquals(failed(3), c.ask("ioctl add " + noSuchPid));
            assertEquals(OK, c.ask("ioctl add " + w));
            // the workload waits in read(2) meanwhile: its counters do not move between the two reads
            String table = c.cat("/proc/tracer");
            Cli.Result show = Cli.run(dir, "", "tracer", "show");
            assertEquals(0, show.status(), show.err());
            assertEquals(show.out(), table);
            assertTrue(table.lines().anyMatch(l -> l.startsWith(w + " ")), table);
            // the same request on a descriptor that is not /dev/tracer reaches the kernel: a pipe has no ioctls
            assertEquals(failed(25), c.ask("ioctl-stdin add " + w));
            assertEquals(OK, c.ask("ioctl remove " + w));
            assertEquals(failed(3), c.ask("ioctl remove " + w), "not traced any more");
            String empty = Cli.run(dir, "", "tracer", "show").out();
            assertEquals(empty, c.cat("/proc/tracer"));
            assertEquals(empty, c.read("syscat /proc/tracer"), "opened with open(2)");
            assertEquals(empty, c.read("cat /proc/../proc/./tracer"), "the same path, written another way");
            assertEquals(0, c.exit().status());
        }
    }

    @Test
    void aProgramInAPidNamespaceNamesProcessesByItsOwnPids() throws Exception {
        try (ClientSession c = client("--seed-abi", "--", "unshare", "--pid", "--fork")) {
            assertEquals("1", c.ask("pid"), "pid 1 of its own namespace");
            int host = hostPid(c);
            assertEquals(failed(3), c.ask("sys 549 2"), "no pid 2 in its namespace (the host's pid 2 is not its to name)");
            assertEquals(OK, c.ask("sys 549 1"));
            assertEquals(0, Cli.run(dir, "", "fetch", Integer.toString(host)).status(), "the host's pid is tracked");
            assertEquals(OK + " pid 1 heap 0 files 0 heap_quota -1 file_quota -1", c.ask("fetch 1"));
            assertEquals(OK, c.ask("sys 551 1"));
            assertEquals(22, Cli.run(dir, "", "fetch", Integer.toString(host)).status(), "deregistered");
            assertEquals(0, c.exit().status());
        }
    }

    private static int hostPid(ClientSession c) {
        return (int) c.child().process().descendants().filter(p -> p.info().command().orElse("").endsWith(OriginalPrograms.CLIENT))
                .findFirst().orElseThrow().pid();
    }

    @Test
    void onlyTheSystemCalls() {
        try (ClientSession c = client("--seed-abi=syscalls")) {
            assertEquals(OK, c.ask("sys 548"));
            assertEquals("<EOF -2>", catLine(c, "/proc/tracer"), "the kernel's own answer: no such file");
            assertEquals(0, c.exit().status());
        }
    }

    private static String catLine(ClientSession c, String path) {
        c.send("cat " + path);
        return c.child().nextLine(ClientSession.ANSWER);
    }

    @Test
    void anotherBase() throws Exception {
        try (ClientSession c = ClientSession.start(dir, programs.path(OriginalPrograms.CLIENT),
                List.of("--seed-abi", "--seed-abi-base", "600"), "600")) {
            assertEquals(OK, c.ask("sys 600"));
            assertEquals(OK, c.ask("sys 601 self"));
            assertEquals(failed(38), c.ask("sys 548"), "548 is the kernel's again: ENOSYS");
            assertEquals(OK, c.ask("sys 603 self"));
            assertEquals(0, c.exit().status());
        }
        // 451..456 are cachestat, fchmodat2, map_shadow_stack, futex_wake, ... on Linux 6.x
        Cli.Result r = Cli.run(dir, "", "run", "--seed-abi", "--seed-abi-base", "451", "--", "/bin/true");
        assertEquals(22, r.status(), r.err());
        assertTrue(r.err().startsWith("restracker: --seed-abi-base 451: system call 451 ") && r.err().endsWith("[EINVAL (22)]\n"),
                r.err());
    }
}
