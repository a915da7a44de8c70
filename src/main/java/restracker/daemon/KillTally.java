package restracker.daemon;

import java.util.EnumMap;
import java.util.Map;
import restracker.tracker.EventLog;
import restracker.tracker.KillEvent;

/**
 * Quota kills counted by reason, for a Prometheus counter. The kernel keeps only the total and a
 * ring of the last events; each reading of the ring counts the events new since the last one by
 * their reason, and those the ring overwrote before the daemon saw them as {@code unknown}, so the
 * counts always add up to the kernel's total. A total that went down means the kernel state was
 * unloaded and loaded again: the counts start over (a counter reset, which Prometheus expects).
 */
final class KillTally {
    /** What a count is for: a quota, or unknown when the event was overwritten before it was read. */
    enum Reason {
        HEAP, FILES, UNKNOWN;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Map<Reason, Long> counts = new EnumMap<>(Reason.class);
    private long seenTotal;
    /** Kills among them (the log also holds quotas dropped at a privileged exec). */
    private long seenKills;

    KillTally() {
        for (Reason r : Reason.values()) counts.put(r, 0L);
    }

    /** Counts the events of log that are new since the last call. */
    synchronized void observe(EventLog log) {
        if (log.total() < seenTotal) {
            for (Reason r : Reason.values()) counts.put(r, 0L);
            seenTotal = 0;
            seenKills = 0;
        }
        long fresh = log.kills() - seenKills;
        long counted = 0;
        for (KillEvent e : log.events()) {
            if (e.seq() <= seenTotal || e.seq() > log.total() || !e.isKill()) continue;
            counts.merge(e.reason() == KillEvent.Reason.HEAP ? Reason.HEAP : Reason.FILES, 1L, Long::sum);
            counted++;
        }
        counts.merge(Reason.UNKNOWN, Math.max(0, fresh - counted), Long::sum);
        seenTotal = log.total();
        seenKills = log.kills();
    }

    synchronized Map<Reason, Long> counts() {
        return Map.copyOf(counts);
    }
}
