package restracker.tracker;

import java.util.List;

/** The kill events still in the kernel's ring, oldest first, and how many older ones it overwrote. */
public record EventLog(List<KillEvent> events, long overwritten, long total) {}
