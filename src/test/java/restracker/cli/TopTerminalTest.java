package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.testing.Loaded;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * `restracker top` as an operator sees it: in a real terminal (tmux), its screen read back with
 * capture-pane: a tracked process appears with its quota and share, a kill appears under the
 * recent kills, and Ctrl-C ends it. (The installed launcher and its AOT cache: tests/package/run.)
 */
class TopTerminalTest {
    private static final String SESSION = "restracker-top-test-" + ProcessHandle.current().pid();
    @Loaded
    private static ResourceTracker tracker;

    @BeforeAll
    static void load() {
        if (!new File("/usr/bin/tmux").canExecute()) {
            if (TestKernel.onCi()) throw new AssertionError("tmux is missing (scripts/setup installs it)");
            Assumptions.abort("tmux is not installed");
        }
    }

    @AfterAll
    static void unload() throws Exception {
        tmux("kill-session", "-t", SESSION);
    }

    /** Runs tmux with a deadline; its output goes through a file, so no pipe can fill up. */
    private static String tmux(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("restracker-tmux-", ".out");
        try {
            List<String> cmd = new ArrayList<>(List.of("tmux"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("tmux " + String.join(" ", args) + " did not finish in 10 s");
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The screen, read until it shows what is expected or the deadline passes. */
    private static String screenWhen(Predicate<String> shows, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = tmux("capture-pane", "-p", "-t", SESSION);
            if (shows.test(screen)) return screen;
            Thread.sleep(200);
        }
        throw new AssertionError("top never showed " + what + " in 30 s; the screen:\n" + screen);
    }

    @Test
    void topShowsTrackedProcessesAndKillsLiveAndStopsOnCtrlC() throws Exception {
        try (Workload w = Workload.start(); Workload victim = Workload.start()) {
            tracker.register(w.pid());
            tracker.cap(w.pid(), new Quota(Quota.UNLIMITED, 4), false);
            w.open("/dev/null");
            w.open("/dev/null");
            tracker.register(victim.pid());
            tracker.cap(victim.pid(), new Quota(Quota.UNLIMITED, 0), false);

            List<String> top = new ArrayList<>(List.of("tmux", "new-session", "-d", "-s", SESSION, "-x", "140", "-y", "40",
                    "env", "RESTRACKER_PIN_DIR=" + TestKernel.pinDir(TopTerminalTest.class),
                    ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "restracker.cli.Main", "top"));
            tmux(top.subList(1, top.size()).toArray(String[]::new));
            String screen = screenWhen(s -> s.contains(" " + w.pid() + " "), "the tracked workload");
            String row = screen.lines().filter(l -> l.contains(" " + w.pid() + " ")).findFirst().orElseThrow();
            assertTrue(row.matches(" *" + w.pid() + " +process +workload .* 2 +4 +50%"), "files 2 of 4, 50%: " + row);
            assertTrue(screen.startsWith("restracker top, every 1.0 s"), screen);

            assertThrows(Workload.WorkloadDied.class, () -> victim.open("/dev/null"));
            screen = screenWhen(s -> s.contains("recent kills:") && s.contains("pid " + victim.pid() + " (workload) files quota 0 exceeded (1)"),
                    "the kill of " + victim.pid());
            assertFalse(screen.contains(" " + victim.pid() + " process"), "the killed process left the table: " + screen);

            long javaPid = Long.parseLong(tmux("display-message", "-p", "-t", SESSION, "#{pane_pid}").strip());
            tmux("send-keys", "-t", SESSION, "C-c");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ProcessHandle.of(javaPid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(ProcessHandle.of(javaPid).map(ProcessHandle::isAlive).orElse(false), "Ctrl-C ended top");
            assertEquals(2, tracker.fetch(w.pid()).openFiles(), "top only read: the workload is still tracked as it was");
        }
    }
}
