package restracker.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import restracker.kernel.Blueprint;
import restracker.kernel.PinnedState;
import restracker.testing.Workload;
import restracker.tracker.KillEvent;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerHooks;

/**
 * How long a tracked process outlives a quota crossed by another process that shares its memory or
 * its fd table: from the crossing (the kill event's time, taken at the crossing call's exit) to the
 * moment its parent sees it exit (waitpid), the teardown of its memory included. Not a test: figures
 * only (bench/owner-kill runs it).
 *
 * <p>Two loads of the tracker: as the loader makes it here (with signal_doomed where the kernel has
 * bpf_send_signal_task: the owner is signalled at the next context switch of any task), and
 * without signal_doomed (as on kernels before 6.13: the owner dies at its own next context switch).
 * In each, ROUNDS times: the owner capped at 10 MiB waits in waitpid while a clone(CLONE_VM) child
 * maps and touches 64 MiB (the child's death wakes it); the same with the owner asleep in a
 * nanosleep of 2 s first (nothing wakes it); then --files 5 and a clone(CLONE_FILES) child opening
 * 100 files, the owner in waitpid. Prints a Markdown table of medians and maxima in milliseconds.
 *
 * <p>usage: OwnerKillBound [ROUNDS (20)]
 */
public final class OwnerKillBound {
    private static final long MIB = 1 << 20;

    private OwnerKillBound() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path dir = Path.of("/sys/fs/bpf/restracker-ownerkill-" + ProcessHandle.current().pid());
        System.out.println("| load | owner's sharer | crossing to the owner's exit: median ms | max ms |");
        System.out.println("|---|---|---|---|");
        for (boolean anyTask : List.of(true, false)) {
            PinnedState.unload(dir);
            Blueprint b = ResourceTracker.blueprint(List.of(TrackerHooks.TRACEPOINT));
            if (!anyTask) {
                b = new Blueprint(b.name(), b.object(), b.abiVersion(), b.maps(), b.attachments(), b.variants(),
                        b.programs().stream().filter(p -> !p.name().equals(ResourceTracker.SIGNAL_ANY_TASK)).toList());
            }
            PinnedState.openOrLoad(dir, b).close();
            try (ResourceTracker t = ResourceTracker.open(dir, List.of(TrackerHooks.TRACEPOINT))) {
                boolean loaded = t.state().links().contains(ResourceTracker.SIGNAL_ANY_TASK);
                String load = loaded ? "signal_doomed loaded (any task's switch)" : "without signal_doomed (the owner's own switch)";
                if (anyTask && !loaded) load = "signal_doomed refused by this kernel (the owner's own switch)";
                report(load, "CLONE_VM child maps 64 MiB", measure(t, rounds, new Quota(10 * MIB, Quota.UNLIMITED),
                        "vmchild " + 64 * MIB));
                report(load, "CLONE_VM child maps 64 MiB, the owner in a 2 s nanosleep", measure(t, rounds,
                        new Quota(10 * MIB, Quota.UNLIMITED), "vmchild " + 64 * MIB + " 2000"));
                report(load, "CLONE_FILES child opens 100 files", measure(t, rounds, new Quota(Quota.UNLIMITED, 5),
                        "fileschild 100 /dev/null"));
            }
        }
        PinnedState.unload(dir);
    }

    private static List<Double> measure(ResourceTracker t, int rounds, Quota quota, String command) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            try (Workload w = Workload.start()) {
                t.register(w.pid());
                t.cap(w.pid(), quota, false);
                w.sendNoReply(command);
                w.waitForExit();
                Instant exited = Instant.now();
                KillEvent e = t.events().events().stream().filter(k -> k.pid() == w.pid()).findFirst().orElseThrow(() ->
                        new IllegalStateException("no kill event for " + w.pid()));
                ms.add(Duration.between(e.time(), exited).toNanos() / 1e6);
            }
        }
        return ms;
    }

    private static void report(String load, String what, List<Double> ms) {
        List<Double> sorted = ms.stream().sorted().toList();
        System.out.println(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f |", load, what, sorted.get(sorted.size() / 2),
                sorted.getLast()));
    }
}
