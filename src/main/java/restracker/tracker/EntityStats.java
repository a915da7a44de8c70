package restracker.tracker;

/**
 * What fetch returns for one tracked entity: usage since registration (never below zero) beside the
 * absolute figures now (VmData and open descriptors of the process), and its quotas.
 */
public record EntityStats(int pid, int tgid, Scope scope, String comm, long heapBytes, long openFiles,
        Quota quota, long vmDataBytes, long openFds) {}
