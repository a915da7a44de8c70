package restracker.tracker;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import restracker.kernel.QuotaRecord;
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
        int layers = QuotaRecord.layers(s);
        Optional<Quota> root = (layers & Records.Q_ROOT) != 0
                ? Optional.of(new Quota(QuotaRecord.rootHeap(s), QuotaRecord.rootFiles(s))) : Optional.empty();
        Optional<Quota> user = (layers & Records.Q_USER) != 0
                ? Optional.of(new Quota(QuotaRecord.userHeap(s), QuotaRecord.userFiles(s))) : Optional.empty();
        return new QuotaLayers(root, user, QuotaRecord.userUid(s), QuotaRecord.userLog(s));
    }

    void write(MemorySegment s) {
        Quota eff = effective();
        QuotaRecord.setHeap(s, eff.heapBytes());
        QuotaRecord.setFiles(s, eff.files());
        QuotaRecord.setLog(s, log());
        QuotaRecord.setLayers(s, (root.isPresent() ? Records.Q_ROOT : 0) | (user.isPresent() ? Records.Q_USER : 0));
        QuotaRecord.setRootHeap(s, root.map(Quota::heapBytes).orElse(Quota.UNLIMITED));
        QuotaRecord.setRootFiles(s, root.map(Quota::files).orElse(Quota.UNLIMITED));
        QuotaRecord.setUserHeap(s, user.map(Quota::heapBytes).orElse(Quota.UNLIMITED));
        QuotaRecord.setUserFiles(s, user.map(Quota::files).orElse(Quota.UNLIMITED));
        QuotaRecord.setUserUid(s, userUid);
        QuotaRecord.setUserLog(s, entityLog);
    }

    private static long tighter(long a, long b) {
        if (a == Quota.UNLIMITED) return b;
        if (b == Quota.UNLIMITED) return a;
        return Math.min(a, b);
    }
}
