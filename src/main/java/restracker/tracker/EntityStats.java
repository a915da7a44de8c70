package restracker.tracker;

/**
 * What fetch returns for one tracked entity: usage since registration (never below zero) beside the
 * absolute figures now (VmData, VmStk and open descriptors of the process), its quotas, and the
 * policy that holds it, if one does.
 */
public record EntityStats(int pid, int tgid, Scope scope, String comm, long heapBytes, long openFiles,
        Quota quota, long vmDataBytes, long openFds, long stackVmBytes, java.util.Optional<String> policy) {

    /** An entity no policy holds. */
    public EntityStats(int pid, int tgid, Scope scope, String comm, long heapBytes, long openFiles, Quota quota,
            long vmDataBytes, long openFds, long stackVmBytes) {
        this(pid, tgid, scope, comm, heapBytes, openFiles, quota, vmDataBytes, openFds, stackVmBytes,
                java.util.Optional.empty());
    }

    /** Without the stack figure (0). */
    public EntityStats(int pid, int tgid, Scope scope, String comm, long heapBytes, long openFiles, Quota quota,
            long vmDataBytes, long openFds) {
        this(pid, tgid, scope, comm, heapBytes, openFiles, quota, vmDataBytes, openFds, 0);
    }
}
