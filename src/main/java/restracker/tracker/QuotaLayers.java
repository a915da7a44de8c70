package restracker.tracker;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import restracker.kernel.Records;

/**
 * The quotas of one entity as the kernel keeps them (rt_quota): root's layer and one user's, each
 * optional; the kernel enforces, per resource, the tighter figure of the layers present.
 */
record QuotaLayers(Optional<Quota> root, Optional<Quota> user, int userUid, int entityLog) {

    static QuotaLayers ofRoot(Quota q, int entityLog) {
        return new QuotaLayers(Optional.of(q), Optional.empty(), 0, entityLog);
    }

    QuotaLayers withUser(Quota q, int uid) {
        return new QuotaLayers(root, Optional.of(q), uid, entityLog);
    }

    /** What binds: per resource, the tighter of the layers present. */
    Quota effective() {
        Quota r = root.orElse(Quota.NONE), u = user.orElse(Quota.NONE);
        return new Quota(tighter(r.heapBytes(), u.heapBytes()), tighter(r.files(), u.files()));
    }

    /** Where its kills are logged: root's log when root's layer exists, else the entity's. */
    int log() {
        return root.isPresent() ? 0 : entityLog;
    }

    /** A resource where q allows more than root's layer does, for the refusal's sentence; empty if none. */
    Optional<String> looserThanRoot(Quota q) {
        if (root.isEmpty()) return Optional.empty();
        Quota r = root.get();
        if (r.heapLimited() && q.heapLimited() && q.heapBytes() > r.heapBytes()) {
            return Optional.of("heap " + q.heapBytes() + " bytes is above root's " + r.heapBytes());
        }
        if (r.filesLimited() && q.filesLimited() && q.files() > r.files()) {
            return Optional.of("files " + q.files() + " is above root's " + r.files());
        }
        return Optional.empty();
    }

    static QuotaLayers read(MemorySegment s) {
        var r = Records.QUOTA;
        int layers = r.getInt(s, "layers");
        Optional<Quota> root = (layers & Records.Q_ROOT) != 0
                ? Optional.of(new Quota(r.getLong(s, "root_heap"), r.getLong(s, "root_files"))) : Optional.empty();
        Optional<Quota> user = (layers & Records.Q_USER) != 0
                ? Optional.of(new Quota(r.getLong(s, "user_heap"), r.getLong(s, "user_files"))) : Optional.empty();
        return new QuotaLayers(root, user, r.getInt(s, "user_uid"), r.getInt(s, "user_log"));
    }

    void write(MemorySegment s) {
        var r = Records.QUOTA;
        Quota eff = effective();
        r.setLong(s, "heap", eff.heapBytes());
        r.setLong(s, "files", eff.files());
        r.setInt(s, "log", log());
        r.setInt(s, "layers", (root.isPresent() ? Records.Q_ROOT : 0) | (user.isPresent() ? Records.Q_USER : 0));
        r.setLong(s, "root_heap", root.map(Quota::heapBytes).orElse(Quota.UNLIMITED));
        r.setLong(s, "root_files", root.map(Quota::files).orElse(Quota.UNLIMITED));
        r.setLong(s, "user_heap", user.map(Quota::heapBytes).orElse(Quota.UNLIMITED));
        r.setLong(s, "user_files", user.map(Quota::files).orElse(Quota.UNLIMITED));
        r.setInt(s, "user_uid", userUid);
        r.setInt(s, "user_log", entityLog);
    }

    private static long tighter(long a, long b) {
        if (a == Quota.UNLIMITED) return b;
        if (b == Quota.UNLIMITED) return a;
        return Math.min(a, b);
    }
}
