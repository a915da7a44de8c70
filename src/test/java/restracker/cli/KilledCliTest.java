package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.testing.Cli;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerHooks;

/**
 * A CLI call SIGKILLed at some point of its first call, which loads and pins everything (a
 * hundred-odd hooks, then the maps, the meta record last) and then registers. Wherever it died,
 * the next call must find a usable state (an interrupted load is replaced) and not be blocked by
 * the dead call's lock. The kill points are spread over the load by watching its pins appear.
 */
class KilledCliTest {
    private static Path dir;
    /** The links the load pins, those the register attaches (the syscall exit hooks), both. */
    private static int loadLinks, exitLinks, hooks;

    @BeforeAll
    static void cleanLoad() {
        TestKernel.requireBpf();
        dir = TestKernel.pinDir(KilledCliTest.class);
        PinnedState.unload(dir);
        try (ResourceTracker t = ResourceTracker.open(dir); Workload w = Workload.start()) {
            loadLinks = t.state().links().size();
            t.register(w.pid());
            exitLinks = t.state().hookLinks(TrackerHooks.EXIT_HOOKS).size();
            t.deregister(w.pid());
        }
        hooks = loadLinks + exitLinks;
    }

    @AfterAll
    static void unload() {
        if (dir != null) PinnedState.unload(dir);
    }

    @Test
    void theCallAfterAKilledOneFindsAUsableState() throws Exception {
        try (Workload w = Workload.start()) {
            String pid = Integer.toString(w.pid());
            // kill points: at once, then once so many hooks are pinned (polled), then all of them
            // kill points: at once, during the load's links, during the register's exit hooks, all done
            for (int pinned : List.of(0, 1, loadLinks / 2, loadLinks + 1, loadLinks + exitLinks / 2, hooks)) {
                PinnedState.unload(dir);
                Process first = cli(dir, "register", pid);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (pinned > 0 && first.isAlive() && pinnedHooks() < pinned && System.nanoTime() < deadline) Thread.onSpinWait();
                first.destroyForcibly();
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
                String left = leftBehind();
                System.out.println("killed once " + pinned + " hooks were pinned: left " + left);

                Cli.Result again = Cli.run(dir, "", "register", pid);
                assertTrue(again.status() == 0 || again.status() == 23, "killed leaving " + left + ", then: "
                        + again.status() + " " + again.err());
                Cli.Result status = Cli.run(dir, "", "status");
                assertTrue(status.out().contains("other links pinned: " + loadLinks + " "), status.out());
                assertTrue(status.out().contains(TrackerHooks.EXIT_HOOKS + " " + exitLinks + " links"), status.out());
                assertEquals(List.of(TrackerHooks.EXIT_HOOKS), names(dir.resolve("tracker").resolve("hooks")),
                        "the exit hooks attached in full, nothing half-made left");
                assertTrue(status.out().contains("tracked: 1\n"), status.out());
                Cli.Result fetch = Cli.run(dir, "", "fetch", pid);
                assertEquals(0, fetch.status(), fetch.err());
            }
        }
    }

    /** Links pinned so far: the load's under links/, then the syscall hooks' under hooks/SET/. */
    private static long pinnedHooks() {
        Path tracker = dir.resolve("tracker");
        long n = names(tracker.resolve("links")).size();
        for (String set : names(tracker.resolve("hooks"))) n += names(tracker.resolve("hooks").resolve(set)).size();
        return n;
    }

    private static List<String> names(Path d) {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of(); // not created yet
        }
    }

    /** What the killed call left: nothing, a partial load (its links so far), or a loaded state. */
    private static String leftBehind() {
        long n = pinnedHooks();
        boolean loaded = ResourceTracker.openExisting(dir).map(t -> {
            t.close();
            return true;
        }).orElse(false);
        return loaded ? "a loaded state" : n == 0 ? "nothing pinned" : "an interrupted load, " + n + " hooks pinned";
    }

    private static Process cli(Path pinDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("RESTRACKER_PIN_DIR", pinDir.toString());
        return pb.start();
    }
}
