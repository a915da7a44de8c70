package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import restracker.cli.Main;
import restracker.testing.Child;
import restracker.testing.JsonTree;
import restracker.testing.Loaded;
import restracker.testing.TempTrees;
import restracker.testing.TestUser;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.testing.Workload.WorkloadDied;
import restracker.tracker.ResourceTracker;

/**
 * `daemon --policies DIR` on a real kernel: the directory's set is enforced by the kernel as soon as
 * /metrics says it was applied, a changed file is applied again, a bad file changes nothing and is
 * reported, and a policy naming a path this machine lacks is left out and counted.
 */
@Timeout(180)
class DaemonPoliciesTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)/");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    @Loaded
    private static ResourceTracker tracker;
    private static Path dir, policies, worker;

    @BeforeAll
    static void tree() throws Exception {
        dir = Files.createTempDirectory("restracker-daemon-policies-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        policies = Files.createDirectory(dir.resolve("policies"));
        worker = dir.resolve("worker");
        Files.copy(Workload.binary(), worker, StandardCopyOption.REPLACE_EXISTING);
    }

    @AfterAll
    static void removeTree() {
        if (dir != null) TempTrees.delete(dir);
    }

    private static void write(String file, String text) throws Exception {
        Path tmp = Files.writeString(policies.resolve("." + file + ".tmp"), text);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, policies.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String workerFiles(int files) {
        return "policies:\n  - name: worker\n    match: {exe: " + worker + "}\n    files: " + files + "\n";
    }

    /** Waits until one scrape satisfies the condition; returns that scrape. */
    private static String awaitMetrics(Client c, String what, Predicate<String> condition) throws InterruptedException {
        Instant end = Instant.now().plus(DEADLINE);
        while (true) {
            String m = c.get("/metrics").body();
            if (condition.test(m)) return m;
            assertTrue(Instant.now().isBefore(end), "within " + DEADLINE + ": " + what + "\n" + m);
            Thread.sleep(50);
        }
    }

    private static double metric(String exposition, String series) {
        return DaemonTest.metric(exposition, series);
    }

    @Test
    void theDirectorysSetIsEnforcedReloadedAndNeverHalfApplied() throws Exception {
        write("fleet.yaml", workerFiles(3) + "  - name: elsewhere\n    match: {cgroup: /sys/fs/cgroup/unified/no-such-pod.slice}\n"
                + "    files: 1\n");
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "daemon", "--listen", "127.0.0.1:0", "--no-control", "--policies", policies.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("RESTRACKER_PIN_DIR", TestKernel.pinDir(DaemonPoliciesTest.class).toString());
        Child daemon = Child.start(pb, "restracker daemon");
        try {
            Matcher listening = LISTENING.matcher(daemon.nextLine(Duration.ofSeconds(60)));
            assertTrue(listening.find(), "the daemon says where it listens");
            Client c = new Client(listening.group(1));

            String m = awaitMetrics(c, "the first set applied", s -> s.contains("restracker_policy_reloads_total{result=\"applied\"} 1"));
            assertEquals(1, metric(m, "restracker_policy_absent"), "the cgroup this machine lacks: its policy left out");
            assertEquals(0, metric(m, "restracker_policy_reload_failed"));
            JsonNode api = JsonTree.parse(c.get("/api/policies").body());
            assertEquals(1, api.get("reloads").get("applied").asLong(), api.toString());
            assertEquals("elsewhere (/sys/fs/cgroup/unified/no-such-pod.slice)", api.get("reloads").get("absent").get(0).asText(), api.toString());
            assertEquals(1, api.get("policies").size(), "the policy left out is not loaded: " + api);
            JsonNode loaded = api.get("policies").get(0);
            assertEquals("worker", loaded.get("name").asText());
            assertTrue(loaded.get("exe") == null && loaded.get("uid") == null && loaded.get("cgroup") == null,
                    "what a policy selects is root's to read (policy list), and anyone who reaches the API reads it: " + loaded);
            assertEquals(3, loaded.get("file_quota").asLong());
            try (TestUser user = TestUser.create()) { // what a local user without privileges reads
                TestUser.Shell asUser = user.sh("curl -sf " + listening.group(1) + "/api/policies");
                assertEquals(0, asUser.status(), asUser.err());
                assertTrue(asUser.out().contains("\"worker\"") && !asUser.out().contains(worker.toString()),
                        "a user reads the policy but not what it selects: " + asUser.out());
            }
            assertEquals("enforce", loaded.get("mode").asText());
            try (Workload w = Workload.start(List.of(), worker)) {
                for (int i = 0; i < 3; i++) w.open("/dev/null");
                WorkloadDied died = assertThrows(WorkloadDied.class, () -> w.open("/dev/null"), "the kernel kills the 4th open");
                assertEquals(128 + 9, died.exitStatus());
            }
            awaitMetrics(c, "the kill counted for the policy", s -> s.contains("restracker_policy_kills_total{policy=\"worker\"} 1.0"));

            write("fleet.yaml", workerFiles(10));
            m = awaitMetrics(c, "the changed file applied", s -> s.contains("restracker_policy_reloads_total{result=\"applied\"} 2"));
            assertEquals(0, metric(m, "restracker_policy_absent"));
            try (Workload w = Workload.start(List.of(), worker)) {
                for (int i = 0; i < 6; i++) w.open("/dev/null");
                assertTrue(w.alive(), "within the new quota");
                awaitMetrics(c, "the policy holds the running worker", s -> s.contains("restracker_policy_processes{policy=\"worker\"} 1"));
                c.awaitReadingAfterNow();
                JsonNode held = JsonTree.parse(c.get("/api/policies").body()).get("policies").get(0);
                assertEquals(1, held.get("held").asLong(), held.toString());
            }

            write("broken.yaml", "policies:\n  - name: broken\n    files: 1\n");
            m = awaitMetrics(c, "the bad set counted", s -> s.contains("restracker_policy_reloads_total{result=\"failed\"} 1"));
            assertEquals(1, metric(m, "restracker_policy_reload_failed"));
            try (Workload w = Workload.start(List.of(), worker)) {
                for (int i = 0; i < 10; i++) w.open("/dev/null");
                assertThrows(WorkloadDied.class, () -> w.open("/dev/null"), "the set applied before still binds");
            }
        } finally {
            assertTrue(daemon.stop(Duration.ofSeconds(30)), "the daemon stops on SIGTERM");
        }
    }
}
