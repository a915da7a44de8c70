package restracker.tracker;

/**
 * Who asks for a change to the tracking tables: a uid, as the kernel vouches for it (the CLI's own
 * effective uid, or the control socket's SO_PEERCRED). Root may change anything; any other uid is
 * bound by the rule kill(2) applies and by the quotas root set.
 */
public record Actor(int uid) {
    public static final Actor ROOT = new Actor(0);

    public boolean isRoot() {
        return uid == 0;
    }
}
