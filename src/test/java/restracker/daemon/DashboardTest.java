package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.policy.Match;
import restracker.policy.Mode;
import restracker.policy.Policy;
import restracker.policy.PolicyTable;
import restracker.testing.Child;
import restracker.testing.TempTrees;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/** The dashboard in a real headless Chromium (Debian's chromium package): it renders the tracked pid. */
class DashboardTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static ResourceTracker tracker;
    private static Daemon daemon;
    private static String base;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(CHROMIUM)) {
            if (TestKernel.onCi()) throw new AssertionError("chromium is missing: scripts/setup installs it");
            Assumptions.abort("chromium is not installed (apt-get install chromium)");
        }
        tracker = TestKernel.tracker(DashboardTest.class);
        daemon = Daemon.start(TestKernel.pinDir(DashboardTest.class), new Listen("127.0.0.1", 0));
        base = "http://127.0.0.1:" + daemon.address().getPort() + "/";
    }

    @AfterAll
    static void stop() {
        if (daemon != null) daemon.close();
        if (tracker != null) TestKernel.unload(DashboardTest.class, tracker);
    }

    /** Runs headless Chromium with a throw-away profile; returns its stdout. */
    private static String chromium(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("restracker-chromium-");
        try {
            List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--user-data-dir=" + profile));
            cmd.addAll(Arrays.asList(args));
            return Child.run(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD), "chromium " + cmd,
                    Duration.ofSeconds(90)).out();
        } finally {
            TempTrees.delete(profile);
        }
    }

    @Test
    void thePageShowsEachPolicyWithTheProcessesItHoldsAndItsAudits() throws Exception {
        Path dir = Files.createTempDirectory("restracker-dashboard-");
        PolicyTable table = new PolicyTable(tracker);
        try {
            Path exe = dir.resolve("dash-worker");
            Files.copy(Workload.binary(), exe);
            table.add(new Policy("dash-workers", new Match(Optional.of(exe), false, Optional.empty(), OptionalInt.empty(),
                    Optional.empty()), new Quota(Quota.UNLIMITED, 2), Mode.AUDIT, OptionalInt.empty()));
            try (Workload w = Workload.start(List.of(), exe)) {
                for (int i = 0; i < 3; i++) w.open("/dev/null"); // one past the quota: audited, not killed
                new Client(base.substring(0, base.length() - 1)).awaitReadingAfterNow();
                String dom = chromium("--virtual-time-budget=5000", "--dump-dom", base + "?stream=off");
                String row = row(dom, "<tr data-policy=\"dash-workers\">");
                assertTrue(row.contains("<td>audit</td>"), row);
                assertFalse(dom.contains(exe.toString()), "what a policy selects is root's to read: " + row);
                assertTrue(row.contains("<td class=\"num held\">1</td>"), "it holds the one workload: " + row);
                String process = row(dom, "<tr data-pid=\"" + w.pid() + "\"");
                assertTrue(process.contains("<td>dash-workers</td>"), "the process row names its policy: " + process);
                assertTrue(dom.contains("<td>audit</td><td class=\"num\">" + w.pid() + "</td>"),
                        "the audit event for the workload in:\n" + dom);
            }
        } finally {
            table.replaceAll(List.of());
            TempTrees.delete(dir);
        }
    }

    /** The table row of dom that begins with start (to its </tr>). */
    private static String row(String dom, String start) {
        int i = dom.indexOf(start);
        assertTrue(i >= 0, "no row " + start + " in:\n" + dom);
        return dom.substring(i, dom.indexOf("</tr>", i));
    }

    @Test
    void thePageRendersTheTrackedPid() throws Exception {
        try (Workload w = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(16L << 20, 4), false);
            w.mmap(4 << 20);
            new Client(base.substring(0, base.length() - 1)).awaitReadingAfterNow(); // the daemon shares a reading up to 1 s old
            // The live page keeps its event stream open, so that virtual time never runs out:
            // the DOM and the picture are taken without the stream, after the page's first fetches.
            String dom = chromium("--virtual-time-budget=5000", "--dump-dom", base + "?stream=off");
            assertTrue(dom.contains("<tr data-pid=\"" + w.pid() + "\""), "a row for the tracked pid in:\n" + dom);
            assertTrue(dom.contains("4.0 MiB / 16 MiB"), "heap against its quota in:\n" + dom);
            assertTrue(dom.contains("<svg class=\"chart\""), "the charts in:\n" + dom);
            assertTrue(dom.contains("id=\"tracer\"") && dom.contains("The tracer is not loaded"), "the tracer's table in:\n" + dom);

            Path png = Path.of("target", "dashboard-screenshot.png").toAbsolutePath();
            Files.deleteIfExists(png);
            chromium("--virtual-time-budget=5000", "--window-size=1280,720", "--screenshot=" + png, base + "?stream=off");
            assertTrue(Files.size(png) > 10_000, "a screenshot of the live page at " + png);
            byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 8);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic);
            tracker.deregister(w.pid());
        }
        assertEquals(0, tracker.list().size());
    }
}
