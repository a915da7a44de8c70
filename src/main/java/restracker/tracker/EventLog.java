package restracker.tracker;

import java.util.List;

/**
 * The events still in the kernel's logs, oldest first; how many older ones were overwritten; how
 * many were ever logged (total), quotaDrops of them a user's quota dropped at a privileged exec
 * and policyNotices a policy's audit or warning event, rather than a kill.
 */
public record EventLog(List<KillEvent> events, long overwritten, long total, long quotaDrops, long policyNotices) {
    public EventLog(List<KillEvent> events, long overwritten, long total) {
        this(events, overwritten, total, 0, 0);
    }

    public EventLog(List<KillEvent> events, long overwritten, long total, long quotaDrops) {
        this(events, overwritten, total, quotaDrops, 0);
    }

    /** Quota kills ever logged. */
    public long kills() {
        return total - quotaDrops - policyNotices;
    }
}
