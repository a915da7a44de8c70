package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import restracker.kernel.PinnedState;
import restracker.testing.Child;
import restracker.testing.Cli;
import restracker.testing.Cli.Result;
import restracker.testing.JsonTree;
import restracker.testing.TempTrees;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.testing.Workload;

/** `restracker policy ...` as operators run it: one JVM per call, the kernel alone keeping the policies. */
@Timeout(600)
class PolicyCliTest {
    private static Path pinDir, dir, worker;

    @BeforeAll
    static void setUp() throws Exception {
        TestKernel.requireBpf();
        pinDir = TestKernel.pinDir(PolicyCliTest.class);
        PinnedState.unload(pinDir);
        dir = Files.createTempDirectory("restracker-policy-cli-");
        worker = dir.resolve("worker");
        Files.copy(Workload.binary(), worker, StandardCopyOption.REPLACE_EXISTING);
    }

    @AfterAll
    static void tearDown() {
        PinnedState.unload(pinDir);
        if (dir != null) TempTrees.delete(dir);
    }

    @AfterEach
    void noPolicies() throws Exception {
        Path none = dir.resolve("none.yaml");
        Files.writeString(none, "policies: []\n");
        cli("policy", "apply", none.toString());
    }

    static Result cli(String... args) throws Exception {
        return Cli.run(pinDir, "", args);
    }

    /** The worker started by a plain shell (no restracker process alive), fed five opens. */
    static Child.Output workerFromAShell() {
        return Child.run(new ProcessBuilder("sh", "-c", "printf 'open /dev/null\\n%.0s' 1 2 3 4 5 | " + worker + "; echo status $?"),
                "sh running the worker", Duration.ofSeconds(60));
    }

    @Test
    void aPolicyAddedByOneCliCallKillsAProgramAShellStartsLater() throws Exception {
        Result add = cli("policy", "add", "worker-files", "--exe", worker.toString(), "--files", "3");
        assertEquals(0, add.status(), add.err());
        assertEquals("added policy worker-files\n", add.out());
        Child.Output run = workerFromAShell();
        assertEquals("ok 3\nok 4\nok 5\nstatus 137\n", run.out(), "the fourth open never returned: " + run.err());
        Result list = cli("policy", "list", "--json");
        JsonNode p = JsonTree.parse(list.out()).get("policies").get(0);
        assertEquals("worker-files", p.get("name").asText(), list.out());
        assertEquals(worker.toString(), p.get("exe").asText());
        assertEquals(3, p.get("file_quota").asLong());
        assertEquals(1, p.get("killed").asLong(), list.out());
        assertEquals(0, p.get("held").asLong(), "the process it held is gone: " + list.out());
        Result text = cli("policy", "list");
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("worker-files") && l.contains("exe " + worker)), text.out());
        assertTrue(cli("status").out().contains("policies: 1 loaded"), "status counts them");
        Result events = cli("events");
        assertTrue(events.out().contains("killed: files quota 3 exceeded (4) at openat() (policy worker-files)"), events.out());
    }

    @Test
    void applyReplacesTheSetAndABadFileChangesNothing() throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, """
                policies:
                  - name: one
                    match:
                      exe: %s
                    files: 5
                  - name: two
                    match:
                      uid: 4242
                    heap: 64M
                    mode: audit
                    warn: 80
                """.formatted(worker));
        Result applied = cli("policy", "apply", good.toString());
        assertEquals(0, applied.status(), applied.err());
        assertEquals(List.of("one", "two"), names());
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                policies:
                  - name: three
                    match:
                      exe: %s
                    file: 5
                """.formatted(worker));
        Result refused = cli("policy", "apply", bad.toString());
        assertEquals(22, refused.status(), refused.err());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().contains("line 5") && refused.err().contains("unknown key 'file'"), refused.err());
        Path missing = dir.resolve("missing.yaml");
        Files.writeString(missing, "policies:\n  - name: four\n    match:\n      exe: " + dir.resolve("nothing-here") + "\n    files: 1\n");
        Result enoent = cli("policy", "apply", missing.toString());
        assertEquals(2, enoent.status(), enoent.err());
        assertTrue(enoent.err().contains("does not exist"), enoent.err());
        assertEquals(List.of("one", "two"), names(), "neither file changed the set");
    }

    @Test
    void addRemoveAndTheirErrors() throws Exception {
        assertEquals(0, cli("policy", "add", "u", "--uid", "4243", "--files", "10").status());
        Result twice = cli("policy", "add", "u", "--uid", "4243", "--files", "10");
        assertEquals(23, twice.status(), twice.err());
        Result noFile = cli("policy", "add", "x", "--exe", dir.resolve("absent").toString(), "--files", "1");
        assertEquals(2, noFile.status(), noFile.err());
        assertTrue(noFile.err().startsWith("restracker: cannot add policy x: exe ") && noFile.err().contains("[ENOENT (2)]"),
                noFile.err());
        assertEquals(2, cli("policy", "add", "y", "--uid", "1").status(), "a policy with no quota is a usage error");
        assertEquals(0, cli("policy", "remove", "u").status());
        Result again = cli("policy", "remove", "u");
        assertEquals(3, again.status(), again.err());
        assertEquals(List.of(), names());
    }

    @Test
    void aUserIsRefusedWithEperm() throws Exception {
        cli("status"); // loaded, so that the refusal is the policy's own and not a missing state
        try (TestUser user = TestUser.create()) {
            for (List<String> args : List.of(List.of("policy", "list"), List.of("policy", "add", "p", "--uid", "0", "--files", "1"),
                    List.of("policy", "remove", "p"))) {
                Result r = user.cli(Map.of("RESTRACKER_PIN_DIR", pinDir.toString(), "RESTRACKER_CONTROL_SOCKET",
                        dir.resolve("no-daemon.sock").toString()), List.of(), args.toArray(String[]::new));
                assertEquals(1, r.status(), args + ": " + r.err());
                assertTrue(r.err().contains("policies are root's") && r.err().contains("[EPERM (1)]"), r.err());
                assertEquals(1, r.err().lines().count(), r.err());
            }
        }
        assertEquals(List.of(), names());
    }

    @Test
    void unloadTakesThePoliciesWithIt() throws Exception {
        assertEquals(0, cli("policy", "add", "gone", "--uid", "4244", "--files", "1").status());
        assertEquals(0, cli("unload").status());
        assertEquals(List.of(), names(), "a fresh load has none");
    }

    private static List<String> names() throws Exception {
        Result r = cli("policy", "list", "--json");
        assertEquals(0, r.status(), r.err());
        List<String> out = new java.util.ArrayList<>();
        JsonTree.parse(r.out()).get("policies").forEach(n -> out.add(n.get("name").asText()));
        return out;
    }
}
