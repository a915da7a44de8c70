package restracker.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.testing.Cli;
import restracker.testing.Cli.Result;
import restracker.testing.TestKernel;
import restracker.testing.Workload;

/** `restracker tracer ...` as operators use it: each call a separate JVM, the state in the kernel. */
class TracerCliTest {
    static final String HEADER = "PID   kmalloc kfree kmalloc_mem kfree_mem  sched   up     down  lock   unlock";
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
    void showPrintsTheSeedsTable() throws Exception {
        try (Workload a = Workload.start(); Workload b = Workload.start()) {
            assertEquals(0, cli("tracer", "add", Integer.toString(a.pid())).status());
            assertEquals(0, cli("tracer", "add", Integer.toString(b.pid())).status());
            a.readFile(50, "/proc/self/stat");
            Result show = cli("tracer", "show");
            assertEquals(0, show.status(), show.err());
            String[] lines = show.out().split("\n");
            assertEquals(HEADER, lines[0], "the seed's header, byte for byte");
            assertEquals(3, lines.length, show.out());
            var sources = sources();
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
                for (Counter c : Counter.values()) {
                    String cell = cells[c.ordinal() + 1];
                    if (sources.get(c).measured()) assertTrue(cell.matches("\\d+"), c + " is a number: " + row);
                    else assertEquals("-", cell, c + " is not measured here: '-', never 0");
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
            String json = cli("tracer", "show", "--json").out();
            assertTrue(json.startsWith("{\"loaded\":true,\"processes\":[{\"pid\":" + w.pid() + ",\"comm\":\"workload\","), json);
            for (var e : sources().entrySet()) {
                String key = "\"" + e.getKey().label() + "\":";
                if (e.getValue().measured()) {
                    assertTrue(json.matches("(?s).*\\{\"pid\":" + w.pid() + "[^}]*" + key + "\\d+.*"), key + " in " + json);
                } else {
                    assertTrue(json.contains(key + "null"), key + "null in " + json);
                    assertTrue(json.contains(key + "{\"measured\":false,\"hook\":null,\"target\":null,\"reason\":\""),
                            "the reason for " + key + " in " + json);
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

    private static java.util.Map<Counter, CounterSource> sources() {
        try (KernelTracer t = KernelTracer.openExisting(pinDir).orElseThrow()) {
            return t.sources();
        }
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
