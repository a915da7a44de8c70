package restracker.policy;

import java.util.OptionalInt;
import java.util.regex.Pattern;
import restracker.tracker.Quota;

/**
 * A quota on what operators manage: the processes that {@link Match} selects, each held as a
 * process entity with these quotas from its exec (or from the moment the policy is applied, for
 * those already running), in a {@link Mode}, with an optional warning when usage first passes
 * {@code warnPercent} of a quota.
 */
public record Policy(String name, Match match, Quota quota, Mode mode, OptionalInt warnPercent) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public Policy {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid policy name '" + name + "': 1 to 63 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        if (!quota.heapLimited() && !quota.filesLimited()) {
            throw new IllegalArgumentException("policy " + name + " sets neither a heap nor a files quota");
        }
        if (warnPercent.isPresent() && (warnPercent.getAsInt() < 1 || warnPercent.getAsInt() > 99)) {
            throw new IllegalArgumentException("warn must be a percentage from 1 to 99, not " + warnPercent.getAsInt());
        }
    }
}
