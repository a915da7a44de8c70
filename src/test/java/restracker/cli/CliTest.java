package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.testing.Cli;
import restracker.testing.Cli.Result;
import restracker.testing.JsonTree;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/**
 * The CLI as operators use it: each call a separate JVM that exits, so that nothing of restracker
 * stays alive between calls; the kernel alone keeps the state and enforces the quotas.
 */
class CliTest {
    private static Path pinDir;

    @BeforeAll
    static void requireKernel() {
        TestKernel.requireBpf();
        pinDir = TestKernel.pinDir(CliTest.class);
        PinnedState.unload(pinDir);
    }

    @AfterAll
    static void unload() {
        PinnedState.unload(pinDir);
    }

    static Result cliWithInput(String stdin, String... args) throws IOException, InterruptedException {
        return Cli.run(pinDir, stdin, args);
    }

    static Result cli(String... args) throws IOException, InterruptedException {
        return cliWithInput("", args);
    }

    @Test
    void exitStatusIsTheErrno() throws Exception {
        Result r = cli("fetch", "4194305");
        assertEquals(22, r.status());
        assertEquals("restracker: cannot fetch pid 4194305: it is not tracked [EINVAL (22)]\n", r.err());
        assertEquals(3, cli("register", "4194305").status());
        assertEquals(22, cli("register", "0").status());
        assertEquals(3, cli("deregister", "4194305").status());
        try (Workload w = Workload.start()) {
            String pid = Integer.toString(w.pid());
            assertEquals(0, cli("register", pid).status());
            Result again = cli("register", pid);
            assertEquals(23, again.status());
            assertTrue(again.err().contains("already monitored"), again.err());
            assertEquals(0, cli("cap", pid, "--files", "100").status());
            assertEquals(23, cli("cap", pid, "--files", "100").status());
            assertEquals(0, cli("cap", pid, "--files", "50", "--replace").status());
            assertEquals(0, cli("reset", pid).status());
            assertEquals(0, cli("deregister", pid).status());
        }
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        assertEquals(2, cli().status());
        assertEquals(2, cli("fetch").status());
        assertEquals(2, cli("fetch", "abc").status());
        assertEquals(2, cli("frobnicate").status());
        Result badSize = cli("cap", "1", "--heap", "12Q");
        assertEquals(2, badSize.status());
        assertTrue(badSize.err().contains("invalid size '12Q'"), badSize.err());
        assertEquals(2, cli("cap", "1").status());
    }

    @Test
    void fetchPrintsThePatchsLineAndJson() throws Exception {
        try (Workload w = Workload.start()) {
            String pid = Integer.toString(w.pid());
            cli("register", pid);
            cli("cap", pid, "--heap", "40M", "--files", "1");
            w.mmap(20 << 20);
            w.open("/dev/null");
            Result text = cli("fetch", pid);
            assertEquals("PID: " + pid + ", Heap: 20 MiB, Files: 1, Heap Quota: 40 MiB, File Quota: 1\n", text.out());
            JsonNode json = JsonTree.parse(cli("fetch", pid, "--json").out());
            Set<String> keys = new HashSet<>();
            json.fieldNames().forEachRemaining(keys::add);
            assertEquals(Set.of("pid", "scope", "tgid", "comm", "heapsize_bytes", "openfile_count", "heapsize_quota_bytes",
                    "openfile_quota", "vmdata_bytes", "stack_vm_bytes", "shmem_bytes", "open_fds", "policy"), keys,
                    "the fields the README documents: " + json);
            assertTrue(json.get("policy").isNull(), "no policy holds an explicitly registered process: " + json);
            assertEquals(w.pid(), json.get("pid").asInt(), json.toString());
            assertEquals(w.pid(), json.get("tgid").asInt(), "a process: its own thread group");
            assertEquals(Files.readString(Path.of("/proc", pid, "comm")).strip(), json.get("comm").asText(), "the kernel's comm");
            assertEquals("process", json.get("scope").asText(), json.toString());
            assertEquals(20L << 20, json.get("heapsize_bytes").asLong(), json.toString());
            assertEquals(1, json.get("openfile_count").asLong(), json.toString());
            assertEquals(40L << 20, json.get("heapsize_quota_bytes").asLong(), json.toString());
            assertEquals(1, json.get("openfile_quota").asLong(), json.toString());
            assertEquals(w.vmDataBytes(), json.get("vmdata_bytes").asLong(), "VmData of /proc/PID/status: " + json);
            assertEquals(w.statusBytes("VmStk"), json.get("stack_vm_bytes").asLong(), "VmStk of /proc/PID/status: " + json);
            assertEquals(w.statusBytes("RssShmem"), json.get("shmem_bytes").asLong(), "RssShmem of /proc/PID/status: " + json);
            assertEquals(w.openFds(), json.get("open_fds").asLong(), "entries of /proc/PID/fd: " + json);
        }
    }

    /** Nothing of restracker runs between the calls: the kernel alone enforces. */
    @Test
    void enforcementNeedsNoRestrackerProcess() throws Exception {
        try (Workload w = Workload.start()) {
            String pid = Integer.toString(w.pid());
            assertEquals(0, cli("register", pid).status());
            assertEquals(0, cli("cap", pid, "--files", "2").status());
            w.open("/dev/null");
            w.open("/dev/null");
            try {
                w.open("/dev/null");
            } catch (Workload.WorkloadDied expected) {
                assertEquals(137, expected.exitStatus());
            }
            assertTrue(!w.alive(), "killed by the kernel");
            JsonNode kill = JsonTree.withPid(JsonTree.parse(cli("events", "--json").out()).get("events"), w.pid());
            assertEquals("files", kill.get("quota").asText(), kill.toString());
        }
    }

    @Test
    void runKillsAtTheQuotaAndReports() throws Exception {
        String workload = System.getProperty("restracker.workload");
        Result r = cliWithInput("open /dev/null\nopen /dev/null\nopen /dev/null\nopen /dev/null\nopen /dev/null\n",
                "run", "--files", "3", "--", workload);
        assertEquals(137, r.status());
        assertEquals("ok 3\nok 4\nok 5\n", r.out(), "three opens returned, the fourth never did");
        assertTrue(r.err().matches("(?s).*restracker: .*workload \\(pid \\d+\\) was killed: files quota 3 exceeded \\(4\\) at openat\\(\\)\n"),
                r.err());
    }

    @Test
    void runCountsFromTheProgramsStart() throws Exception {
        String workload = System.getProperty("restracker.workload");
        // The program starts with 0, 1, 2 inherited: those are not its own.
        Result r = cliWithInput("open /dev/null\nopen /dev/null\n", "run", "--files", "2", "--", workload);
        assertEquals(0, r.status(), r.err());
        assertEquals(7, cli("run", "--", "sh", "-c", "exit 7").status());
        Result heap = cliWithInput("mmap 2097152\n", "run", "--heap", "1M", "--", workload);
        assertEquals(137, heap.status());
        assertTrue(heap.err().contains("heap quota 1 MiB exceeded"), heap.err());
    }
}
