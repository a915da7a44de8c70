package restracker.tracker;

import java.time.Instant;
import java.util.Optional;
import restracker.kernel.PolicyRecords;
import restracker.kernel.Records;

/**
 * One event of the kernel-side log: a quota kill, ({@link Reason#PRIVILEGES}) a user's quota
 * dropped because the program it bound gained privileges at exec (then usage is the new effective
 * uid and limit the uid whose quota was dropped), or a policy's notice: an audit policy's quota
 * crossed (nothing killed) or a warning threshold passed (limit is the threshold).
 *
 * @param policy the name of the policy whose quota it was ("#ID" for one removed since), if any
 */
public record KillEvent(long seq, Instant time, int pid, int tid, int entity, Scope scope, Reason reason,
        String syscall, long usage, long limit, String comm, Kind kind, Optional<String> policy) {

    /** A kill (or a drop) of no policy's. */
    public KillEvent(long seq, Instant time, int pid, int tid, int entity, Scope scope, Reason reason, String syscall,
            long usage, long limit, String comm) {
        this(seq, time, pid, tid, entity, scope, reason, syscall, usage, limit, comm,
                reason == Reason.PRIVILEGES ? Kind.DROP : Kind.KILL, Optional.empty());
    }

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

    /** What the event is: a kill, a user's quota dropped, an audit policy's crossing, a warning. */
    public enum Kind {
        KILL, DROP, AUDIT, WARN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Kind of(int code, Reason reason) {
            return switch (code) {
                case PolicyRecords.KIND_AUDIT -> AUDIT;
                case PolicyRecords.KIND_WARN -> WARN;
                default -> reason == Reason.PRIVILEGES ? DROP : KILL;
            };
        }
    }

    /** Whether it is a kill (not a dropped quota, nor a policy's notice). */
    public boolean isKill() {
        return kind == Kind.KILL;
    }
}
