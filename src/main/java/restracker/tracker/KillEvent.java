package restracker.tracker;

import java.time.Instant;

/** One quota kill from the kernel-side log. */
public record KillEvent(long seq, Instant time, int pid, int tid, int entity, Scope scope, Reason reason,
        String syscall, long usage, long limit, String comm) {

    public enum Reason {
        HEAP, FILES;

        public String label() {
            return this == HEAP ? "heap" : "files";
        }
    }
}
