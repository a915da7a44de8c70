package restracker.cli;

import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import restracker.text.Untrusted;
import restracker.tracker.EntityStats;
import restracker.tracker.EventLog;
import restracker.tracker.KillEvent;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;
import restracker.tracker.Sizes;

/** `restracker top`: the dashboard's live view in the terminal, read straight from the kernel (no daemon needed). */
@Command(name = "top", description = "Show the tracked processes, nearest their quotas first, and the recent kills; refresh every second.")
final class TopCommand implements Callable<Integer> {
    private static final int RECENT_KILLS = 5;

    @Mixin
    Refresh refresh;

    @Override
    public Integer call() throws InterruptedException {
        return refresh.loop("top", TopCommand::screen);
    }

    static String screen() {
        Optional<ResourceTracker> tracker = ResourceTracker.openExisting(Environment.pinDir());
        if (tracker.isEmpty()) return "restracker is not loaded (nothing pinned at " + Environment.pinDir() + ")\n";
        try (ResourceTracker t = tracker.get()) {
            return render(t.list(), t.events());
        }
    }

    static String render(List<EntityStats> entities, EventLog log) {
        StringBuilder sb = new StringBuilder();
        sb.append("tracked: ").append(entities.size()).append("   quota kills: ").append(log.kills());
        if (log.overwritten() > 0) sb.append(" (").append(log.overwritten()).append(" overwritten in the log)");
        sb.append("\n\n");
        sb.append(String.format("%8s %-7s %-16s %10s %10s %5s %6s %6s %5s%n", "PID", "SCOPE", "COMM", "HEAP", "HEAP QUOTA",
                "USE", "FILES", "FILE Q", "USE"));
        List<EntityStats> sorted = entities.stream()
                .sorted(Comparator.comparingDouble(TopCommand::nearest).reversed().thenComparingInt(EntityStats::pid)).toList();
        for (EntityStats e : sorted) {
            Quota q = e.quota();
            sb.append(String.format("%8d %-7s %-16s %10s %10s %5s %6d %6s %5s%n", e.pid(), e.scope().label(), Untrusted.escape(e.comm()),
                    Sizes.format(e.heapBytes()), q.heapLimited() ? Sizes.format(q.heapBytes()) : "-",
                    percent(e.heapBytes(), q.heapBytes()), e.openFiles(), q.filesLimited() ? Long.toString(q.files()) : "-",
                    percent(e.openFiles(), q.files())));
        }
        List<KillEvent> events = log.events();
        if (!events.isEmpty()) {
            sb.append("\nrecent kills:\n");
            for (KillEvent k : events.subList(Math.max(0, events.size() - RECENT_KILLS), events.size()).reversed()) {
                sb.append(k.time().atZone(ZoneId.systemDefault()).format(Refresh.CLOCK)).append("  pid ").append(k.pid())
                        .append(" (").append(Untrusted.escape(k.comm())).append(") ").append(RunCommand.describe(k)).append('\n');
            }
        }
        return sb.toString();
    }

    /** How near the entity is to its nearer quota, 0..1 and beyond; 0 without quotas. */
    private static double nearest(EntityStats e) {
        return Math.max(ratio(e.heapBytes(), e.quota().heapBytes()), ratio(e.openFiles(), e.quota().files()));
    }

    private static double ratio(long usage, long limit) {
        if (limit < 0) return 0;
        return limit == 0 ? (usage > 0 ? Double.MAX_VALUE : 1) : (double) usage / limit;
    }

    private static String percent(long usage, long limit) {
        if (limit < 0) return "";
        if (limit == 0) return usage > 0 ? "over" : "100%";
        return Math.round(100.0 * usage / limit) + "%";
    }
}
