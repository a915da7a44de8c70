package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.testing.Cli;
import restracker.testing.Cli.Result;
import restracker.testing.JsonTree;
import restracker.testing.KernelReach;
import restracker.testing.TestKernel;
import restracker.testing.TracerColumns;
import restracker.testing.Workload;

/** `restracker tracer ...` as operators use it: each call a separate JVM, the state in the kernel. */
class TracerCliTest {
    static final String HEADER = TracerColumns.HEADER;
    private static Path pinDir;

    @BeforeAll
    static void requireKernel() {
        TestKernel.requireBpf();
        pinDir = TestKernel.pinDir(TracerCliTest.class);
        PinnedState.unload(pinDir);
    }

    @AfterAll
    static void unload() {
        PinnedState.unload(pinDir);
    }

    static Result cli(String... args) throws IOException, InterruptedException {
        return Cli.run(pinDir, "", args);
    }

    @Test
    void showPrintsTheModulesTable() throws Exception {
        try (Workload a = Workload.start(); Workload b = Workload.start()) {
            assertEquals(0, cli("tracer", "add", Integer.toString(a.pid())).status());
            assertEquals(0, cli("tracer", "add", Integer.toString(b.pid())).status());
            a.readFile(50, "/proc/self/stat");
            Result show = cli("tracer", "show");
            assertEquals(0, show.status(), show.err());
            String[] lines = show.out().split("\n");
            assertEquals(HEADER, lines[0], "the module's header, byte for byte");
            assertEquals(3, lines.length, show.out());
            String[] columns = HEADER.split("\\s+");
            int[] starts = columnStarts();
            int lowest = Math.min(a.pid(), b.pid());
            assertTrue(lines[1].startsWith(lowest + " "), "rows by pid: " + show.out());
            for (String row : List.of(lines[1], lines[2])) {
                String[] cells = row.trim().split("\\s+");
                assertEquals(10, cells.length, row);
                for (int i = 0; i < cells.length; i++) {
                    assertEquals(starts[i], row.indexOf(" " + cells[i], i == 0 ? -1 : starts[i] - 2) + 1,
                            "column " + i + " of '" + row + "' starts under the header's");
                }
                for (int i = 1; i < columns.length; i++) {
                    if (!KernelReach.hookOf(columns[i]).equals("none")) assertTrue(cells[i].matches("\\d+"), columns[i] + " is a number: " + row);
                    else assertEquals("-", cells[i], columns[i] + " cannot be measured on this kernel: '-', never 0");
                }
            }
            String rowA = lines[1].startsWith(a.pid() + " ") ? lines[1] : lines[2];
            assertTrue(Long.parseLong(rowA.trim().split("\\s+")[1]) >= 150, "kmalloc of the workload: " + rowA);
        }
    }

    @Test
    void jsonHasNullForWhatIsNotMeasured() throws Exception {
        try (Workload w = Workload.start()) {
            assertEquals(0, cli("tracer", "add", Integer.toString(w.pid())).status());
            String text = cli("tracer", "show", "--json").out();
            JsonNode json = JsonTree.parse(text);
            assertTrue(json.get("loaded").asBoolean(), text);
            JsonNode row = JsonTree.withPid(json.get("processes"), w.pid());
            assertEquals("workload", row.get("comm").asText(), text);
            for (String column : TracerColumns.counters()) {
                String hook = KernelReach.hookOf(column);
                JsonNode how = json.get("counters").get(column);
                assertEquals(!hook.equals("none"), how.get("measured").asBoolean(), column + " in " + how);
                if (!hook.equals("none")) {
                    assertTrue(row.get(column).isIntegralNumber(), column + " is a count: " + row);
                    assertEquals(hook, how.get("hook").asText(), column + " in " + how);
                } else {
                    assertTrue(row.get(column).isNull(), column + " is null, never 0: " + row);
                    assertTrue(how.get("hook").isNull() && how.get("target").isNull(), column + " in " + how);
                    assertTrue(how.get("reason").asText().matches(".*\\([0-9]+\\).*"), "the kernel's errno for " + column + ": " + how);
                }
            }
            assertEquals(0, cli("tracer", "remove", Integer.toString(w.pid())).status());
        }
    }

    @Test
    void errorsExitWithTheErrno() throws Exception {
        Result notTraced = cli("tracer", "remove", "4194305");
        assertEquals(3, notTraced.status());
        assertEquals("restracker: cannot remove pid 4194305: it is not traced [ESRCH (3)]\n", notTraced.err());
        assertEquals(22, cli("tracer", "add", "0").status());
        assertEquals(3, cli("tracer", "add", "4194305").status());
        assertEquals(2, cli("tracer", "add", "abc").status());
        assertEquals(2, cli("tracer").status());
        try (Workload w = Workload.start()) {
            String pid = Integer.toString(w.pid());
            assertEquals(0, cli("tracer", "add", pid).status());
            Result again = cli("tracer", "add", pid);
            assertEquals(23, again.status());
            assertEquals("restracker: pid " + pid + " is already traced [already monitored (23)]\n", again.err());
            assertEquals(0, cli("tracer", "remove", pid).status());
            assertEquals(3, cli("tracer", "remove", pid).status());
        }
    }

    @Test
    void watchRefreshesTheTable() throws Exception {
        Result r = cli("tracer", "watch", "--interval", "0.2", "--count", "2");
        assertEquals(0, r.status(), r.err());
        assertEquals(2, r.out().split(HEADER, -1).length - 1, "two tables: " + r.out());
    }

    private static int[] columnStarts() {
        String[] names = HEADER.split("\\s+");
        int[] starts = new int[names.length];
        int from = 0;
        for (int i = 0; i < names.length; i++) {
            starts[i] = HEADER.indexOf(names[i], from);
            from = starts[i] + names[i].length();
        }
        return starts;
    }
}
