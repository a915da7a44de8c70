package restracker.seedabi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.sys.Libc;
import restracker.testing.TestKernel;

/**
 * `run --seed-abi`'s JVM SIGKILLed while its program waits in one of the original calls: the kernel
 * answers that call, and every later one the filter stops, with ENOSYS. The program is never left
 * hanging, and the calls the filter lets through still work.
 */
class SupervisorCrashTest {
    private static final int SIGSTOP = 19;
    private static Path dir;
    private static OriginalPrograms programs;

    @BeforeAll
    static void build() {
        TestKernel.requireBpf();
        dir = TestKernel.pinDir(SupervisorCrashTest.class);
        PinnedState.unload(dir);
        programs = OriginalPrograms.build();
    }

    @AfterAll
    static void clean() {
        if (programs != null) programs.close();
        if (dir != null) PinnedState.unload(dir);
    }

    @Test
    void aCallWaitingForAKilledSupervisorFailsWithEnosys() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ClientSession.rootCommand(
                ClientSession.runArguments(programs.path(OriginalPrograms.CLIENT), List.of("--seed-abi"))));
        pb.environment().put("RESTRACKER_PIN_DIR", dir.toString());
        try (DetachedSession c = DetachedSession.start(pb)) {
            int client = Integer.parseInt(c.ask("pid"));
            try {
                assertEquals("rc 0 errno 0", c.ask("sys 549 self"));
                int jvm = (int) c.pid();
                assertEquals(0, Libc.kill(jvm, SIGSTOP)); // the supervisor cannot answer now
                c.send("sys 551 self");
                awaitInSyscall(client, 551);
                assertEquals(0, Libc.kill(jvm, Libc.SIGKILL));
                assertEquals("rc -1 errno 38", c.nextLine(), "the waiting call: ENOSYS");
                assertEquals("rc -1 errno 38", c.ask("sys 548"), "a later call: ENOSYS");
                assertEquals("fd -1 errno 38", c.ask("open /dev/null"), "every open is stopped by the filter, so: ENOSYS");
                assertEquals(Integer.toString(client), c.ask("pid"), "what the filter lets through still runs");
                c.send("exit");
                awaitGone(client);
            } finally {
                ProcessHandle.of(client).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    static void awaitGone(int pid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!Files.exists(Path.of("/proc", Integer.toString(pid))) || ProcessHandle.of(pid).isEmpty()) return;
            // reparented to init or a subreaper, which reaps it; a zombie keeps /proc/PID a moment
            String state = Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("State:")).findFirst().orElse("");
            if (state.contains("zombie")) return;
            Thread.sleep(5);
        }
        throw new AssertionError("pid " + pid + " did not exit within 30 s");
    }

    /** Waits (30 s at most) until tid is blocked in system call nr (/proc/TID/syscall's first field). */
    static void awaitInSyscall(int tid, int nr) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            seen = Files.readString(Path.of("/proc", Integer.toString(tid), "syscall"));
            if (seen.startsWith(nr + " ")) return;
            Thread.sleep(5);
        }
        throw new AssertionError("pid " + tid + " did not wait in system call " + nr + " within 30 s: " + seen);
    }
}
