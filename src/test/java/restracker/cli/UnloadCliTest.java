package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.testing.Child;
import restracker.testing.Cli;
import restracker.testing.JsonTree;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/**
 * Root's `restracker unload` through the CLI: afterwards nothing of the test's pin dir is left in
 * the kernel, by bpftool's account (its links, their programs and its maps are gone), status says
 * so, and a process that was capped is no longer limited.
 */
class UnloadCliTest {
    private static Path pinDir;

    @BeforeAll
    static void requireKernel() {
        TestKernel.requireBpf();
        pinDir = TestKernel.pinDir(UnloadCliTest.class);
        PinnedState.unload(pinDir);
    }

    @AfterAll
    static void unload() {
        PinnedState.unload(pinDir);
    }

    private static Cli.Result cli(String... args) throws Exception {
        Cli.Result r = Cli.run(pinDir, "", args);
        assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    @Test
    void unloadLeavesNothingInTheKernel() throws Exception {
        try (Workload w = Workload.start()) {
            String pid = Integer.toString(w.pid());
            cli("register", pid);
            cli("cap", pid, "--files", "1");
            cli("tracer", "add", pid);
            long linkFiles;
            try (Stream<Path> files = Files.walk(pinDir)) {
                // links/: what the load attached; hooks/SET/: the syscall hooks attached while something is tracked
                linkFiles = files.filter(f -> f.getParent().getFileName().toString().equals("links")
                        || f.getParent().getParent().getFileName().toString().equals("hooks")).count();
            }
            JsonNode links = pinnedHere(bpftool("link", "show")), maps = pinnedHere(bpftool("map", "show"));
            assertEquals(linkFiles, links.size(), "bpftool sees each link pinned under " + pinDir + ": " + links);
            assertTrue(linkFiles > 4 && maps.size() >= 8, "the tracker's and the tracer's links and maps: " + links + maps);
            Set<Long> linkIds = ids(links, "id"), progIds = ids(links, "prog_id"), mapIds = ids(maps, "id");

            assertEquals("unloaded " + pinDir + "\n", cli("unload").out());

            assertFalse(Files.exists(pinDir), "the pin dir is removed");
            String status = cli("status").out();
            assertTrue(status.contains("the tracker is not loaded") && status.contains("tracer: not loaded"), status);
            // The kernel frees a program once its last link is gone; that may lag the unpinning a little.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Set<Long> left;
            do {
                left = new HashSet<>(ids(bpftool("link", "show"), "id"));
                left.retainAll(linkIds);
                Set<Long> progs = ids(bpftool("prog", "show"), "id");
                progs.retainAll(progIds);
                Set<Long> maps2 = ids(bpftool("map", "show"), "id");
                maps2.retainAll(mapIds);
                left.addAll(progs);
                left.addAll(maps2);
                if (!left.isEmpty()) Thread.sleep(200);
            } while (!left.isEmpty() && System.nanoTime() < deadline);
            assertTrue(left.isEmpty(), "links, programs or maps of the unloaded pin dir still in the kernel: " + left);

            w.open("/dev/null");
            w.open("/dev/null");
            assertTrue(w.alive(), "above its old quota of 1 file, nothing kills it now");
        }
    }

    /** The objects of a bpftool -f listing pinned under this class's pin dir. */
    private static JsonNode pinnedHere(JsonNode listing) {
        var here = JsonTree.parse("[]");
        for (JsonNode o : listing) {
            for (JsonNode path : o.path("pinned")) {
                if (path.asText().startsWith(pinDir + "/")) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) here).add(o);
                    break;
                }
            }
        }
        return here;
    }

    private static Set<Long> ids(JsonNode listing, String field) {
        Set<Long> ids = new HashSet<>();
        for (JsonNode o : listing) ids.add(o.get(field).asLong());
        return ids;
    }

    private static JsonNode bpftool(String object, String command) {
        Child.Output o = Child.run(new ProcessBuilder("bpftool", "-j", "-f", object, command), "bpftool " + object + " " + command,
                Duration.ofSeconds(60));
        assertEquals(0, o.status(), o.err());
        return JsonTree.parse(o.out());
    }
}
