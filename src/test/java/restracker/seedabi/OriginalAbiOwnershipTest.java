package restracker.seedabi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.sys.Libc;
import restracker.testing.DaemonJvm;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.testing.Workload;
import restracker.tracker.ResourceTracker;

/**
 * A user's program under `run --seed-abi`, whose calls go through a real daemon: it may register,
 * cap, fetch and deregister itself, but not register, cap or trace root's processes (EPERM). And
 * `run` SIGKILLed while it waits for the daemon's answer to a call leaves the program with ENOSYS.
 */
class OriginalAbiOwnershipTest {
    private static final int SIGSTOP = 19, SIGCONT = 18;
    @Loaded
    private static ResourceTracker tracker;
    private static TestUser user;
    private static DaemonJvm daemon;
    private static OriginalPrograms programs;

    @BeforeAll
    static void start() throws Exception {
        user = TestUser.create();
        daemon = DaemonJvm.start(TestKernel.pinDir(OriginalAbiOwnershipTest.class));
        programs = OriginalPrograms.build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) daemon.close();
        if (user != null) user.close();
        if (programs != null) programs.close();
    }

    private static ProcessBuilder asUser(String... runArgs) {
        return user.command(Map.of("RESTRACKER_CONTROL_SOCKET", daemon.socket().toString()), List.of(), "restracker.cli.Main",
                ClientSession.runArguments(programs.path(OriginalPrograms.CLIENT), List.of(runArgs)));
    }

    @Test
    void aUsersProgramActsOnItselfButNotOnRootsProcesses() {
        try (Workload roots = Workload.start(); ClientSession c = ClientSession.start(asUser("--seed-abi"))) {
            String r = Integer.toString(roots.pid());
            String self = c.ask("pid");
            assertEquals("rc -1 errno 1", c.ask("sys 549 " + r), "register of root's process");
            assertEquals("rc -1 errno 1", c.ask("ioctl add " + r), "tracing root's process");
            tracker.register(roots.pid());
            assertEquals("rc -1 errno 1", c.ask("sys 552 " + r + " 1 1"), "a quota on root's process");
            assertEquals("rc -1 errno 1", c.ask("sys 551 " + r), "deregister of root's process");
            assertEquals("rc 0 errno 0", c.ask("sys 549 self"));
            assertEquals("rc 0 errno 0", c.ask("sys 552 self 50 9"));
            assertEquals("rc 0 errno 0 pid " + self + " heap 0 files 0 heap_quota 50 file_quota 9", c.ask("fetch self"));
            assertEquals("rc 0 errno 0", c.ask("sys 551 self"));
            assertEquals(0, c.exit().status());
            tracker.deregister(roots.pid());
        }
    }

    @Test
    void runKilledWhileTheDaemonHoldsTheAnswerLeavesEnosys() throws Exception {
        try (DetachedSession c = DetachedSession.start(asUser("--seed-abi"))) {
            int client = Integer.parseInt(c.ask("pid"));
            int daemonPid = (int) daemon.pid();
            try {
                assertEquals("rc 0 errno 0", c.ask("sys 549 self"));
                assertEquals(0, Libc.kill(daemonPid, SIGSTOP)); // run's supervisor waits for the daemon's answer
                c.send("sys 551 self");
                SupervisorCrashTest.awaitInSyscall(client, 551);
                assertEquals(0, Libc.kill((int) c.pid(), Libc.SIGKILL));
                assertEquals("rc -1 errno 38", c.nextLine(), "the waiting call: ENOSYS");
                assertEquals("rc -1 errno 38", c.ask("sys 548"), "a later call: ENOSYS");
                c.send("exit");
                SupervisorCrashTest.awaitGone(client);
            } finally {
                Libc.kill(daemonPid, SIGCONT);
                ProcessHandle.of(client).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
