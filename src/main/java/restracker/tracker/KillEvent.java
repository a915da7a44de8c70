package restracker.tracker;

import java.time.Instant;
import restracker.kernel.Records;

/**
 * One event of the kernel-side log: a quota kill, or ({@link Reason#PRIVILEGES}) a user's quota
 * dropped because the program it bound gained privileges at exec; then usage is the new effective
 * uid and limit the uid whose quota was dropped.
 */
public record KillEvent(long seq, Instant time, int pid, int tid, int entity, Scope scope, Reason reason,
        String syscall, long usage, long limit, String comm) {

    public enum Reason {
        HEAP, FILES, PRIVILEGES;

        public String label() {
            return switch (this) {
                case HEAP -> "heap";
                case FILES -> "files";
                case PRIVILEGES -> "privileges";
            };
        }

        static Reason of(int code) {
            return switch (code) {
                case Records.REASON_HEAP -> HEAP;
                case Records.REASON_PRIVILEGES -> PRIVILEGES;
                default -> FILES;
            };
        }
    }

    /** Whether it is a kill (not a dropped quota). */
    public boolean isKill() {
        return reason != Reason.PRIVILEGES;
    }
}
