package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.sys.Errno;
import restracker.sys.NativeException;
import restracker.testing.Loaded;
import restracker.testing.TempTrees;
import restracker.testing.TestUser;
import restracker.testing.Workload;
import restracker.testing.Workload.WorkloadDied;

/** One user's share of the tables is bounded: its floods cannot push out root's or another user's state. */
class UserShareTest {
    /** The documented per-user limit of tracked entities (README, "Who may change what"). */
    private static final int USER_ENTITIES = 1024;
    /** The documented size of root's kill log. */
    private static final int ROOT_LOG = 4096;
    @Loaded(trackerHooks = TrackerHooks.TRACEPOINT)
    private static ResourceTracker tracker;
    private static TestUser user;
    private static Actor actor;
    private static Path dir;

    /**
     * "pid": its pid (as the workload answers); "fork N": N children, each blocked reading a pipe, their pids on one line; "go": the pipe
     * closes, each child opens /dev/null and exits; the reply counts the children SIGKILLed.
     */
    private static final String SPAWNER = """
            #include <fcntl.h>
            #include <signal.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/wait.h>
            #include <unistd.h>
            static pid_t kids[8192];
            int main(void) {
                char line[64];
                int fds[2] = {-1, -1}, n, nkids = 0;
                while (fgets(line, sizeof line, stdin)) {
                    if (!strncmp(line, "pid", 3)) {
                        printf("ok %d %d\\n", (int)getpid(), (int)getppid());
                        fflush(stdout);
                    } else if (sscanf(line, "fork %d", &n) == 1 && n > 0 && n <= 8192) {
                        if (pipe(fds)) return 1;
                        nkids = 0;
                        printf("ok");
                        for (int i = 0; i < n; i++) {
                            pid_t p = fork();
                            if (p == 0) {
                                char c;
                                close(fds[1]);
                                read(fds[0], &c, 1);
                                open("/dev/null", O_RDONLY);
                                _exit(0);
                            }
                            if (p < 0) return 1;
                            kids[nkids++] = p;
                            printf(" %d", p);
                        }
                        close(fds[0]);
                        printf("\\n");
                        fflush(stdout);
                    } else if (!strncmp(line, "go", 2)) {
                        int killed = 0, st;
                        close(fds[1]);
                        for (int i = 0; i < nkids; i++)
                            if (waitpid(kids[i], &st, 0) > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) killed++;
                        printf("ok %d\\n", killed);
                        fflush(stdout);
                    }
                }
                return 0;
            }
            """;

    @BeforeAll
    static void load() throws Exception {
        user = TestUser.create();
        actor = new Actor(user.uid());
        dir = Files.createTempDirectory(Path.of("/tmp"), "rt-spawner-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path src = dir.resolve("spawner.c");
        Files.writeString(src, SPAWNER);
        Process cc = new ProcessBuilder("cc", "-O2", "-o", dir.resolve("spawner").toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(cc.getInputStream().readAllBytes());
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "cc: " + out);
    }

    @AfterAll
    static void unload() throws Exception {
        if (user != null) user.close();
        if (dir != null) TempTrees.delete(dir);
    }

    private static Workload spawner() {
        return Workload.start(List.of("setpriv", "--reuid=" + user.name(), "--regid=" + user.name(), "--clear-groups"),
                dir.resolve("spawner"));
    }

    private static List<Integer> fork(Workload spawner, int n) {
        return Arrays.stream(spawner.send("fork " + n).trim().split(" ")).map(Integer::parseInt).toList();
    }

    @Test
    void aUsersFloodOfKillsKeepsRootsKill() {
        int rootVictim;
        try (Workload w = user.workload()) {
            rootVictim = w.pid();
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 0), false);
            assertThrows(WorkloadDied.class, () -> w.open("/dev/null"));
        }
        long before = tracker.events().total();
        int rounds = 5, perRound = 1000;
        long started = System.nanoTime();
        try (Workload spawner = spawner()) {
            for (int r = 0; r < rounds; r++) {
                List<Integer> kids = fork(spawner, perRound);
                for (int pid : kids) {
                    tracker.register(pid, false, actor);
                    tracker.cap(pid, new Quota(Quota.UNLIMITED, 0), false, actor);
                }
                assertEquals(Integer.toString(perRound), spawner.send("go"), "every child was killed at its open");
            }
        }
        System.out.println("UserShareTest: " + rounds * perRound + " kills in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        EventLog log = tracker.events();
        assertTrue(log.total() - before >= (long) rounds * perRound, "every kill counted: " + log.total());
        assertTrue(rounds * perRound > ROOT_LOG, "the flood alone would have filled root's log");
        assertTrue(log.events().stream().anyMatch(e -> e.pid() == rootVictim), "root's kill of " + rootVictim + " is still there");
        assertTrue(log.overwritten() > 0, "the user's own older kills were overwritten, and counted");
        assertEquals(log.total() - log.overwritten(), log.events().size(), "what is neither listed nor overwritten does not exist");
        for (int i = 1; i < log.events().size(); i++) {
            assertTrue(log.events().get(i - 1).seq() < log.events().get(i).seq(), "oldest first");
        }
    }

    @Test
    void aUserTracksAtMostItsShareAndRootStillCan() {
        try (Workload spawner = spawner()) {
            List<Integer> kids = fork(spawner, USER_ENTITIES + 1);
            for (int i = 0; i < USER_ENTITIES; i++) tracker.register(kids.get(i), false, actor);
            int last = kids.get(USER_ENTITIES);
            NativeException e = assertThrows(NativeException.class, () -> tracker.register(last, false, actor));
            assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
            assertEquals(Scope.PROCESS, tracker.register(last), "root is not bound by a user's share");
            assertEquals("0", spawner.send("go"));
            // Their exits gave the share back.
            List<Integer> more = fork(spawner, 10);
            for (int pid : more) tracker.register(pid, false, actor);
            assertEquals("0", spawner.send("go"));
        }
    }

    /** `run` tracks a user's program with its children: the forks stay within the user's share too. */
    @Test
    void aUsersTrackedTreeForksWithinItsShare() {
        try (Workload spawner = spawner(); Workload other = spawner()) {
            tracker.register(spawner.pid(), false, true, actor);
            java.util.Set<Integer> kids = new java.util.HashSet<>(fork(spawner, USER_ENTITIES + 10));
            long held = tracker.list().stream().filter(st -> kids.contains(st.pid())).count();
            assertEquals(USER_ENTITIES - 1, held, "the spawner and its children: the user's share, no more");
            NativeException e = assertThrows(NativeException.class, () -> tracker.register(other.pid(), false, actor));
            assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
            assertEquals(Scope.PROCESS, tracker.register(other.pid()), "root is not bound by a user's share");
            assertEquals("0", spawner.send("go"));
        }
    }
}
