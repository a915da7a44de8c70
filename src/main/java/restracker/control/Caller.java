package restracker.control;

import restracker.sys.UnixSocket;

/**
 * Who sent a request, as the kernel vouches for it (SO_PEERCRED), and the task its request names,
 * resolved to the daemon's pid namespace.
 *
 * @param peer the calling process: pid (in the daemon's namespace), uid, gid
 * @param namedPid the pid as the caller wrote it (its own namespace), 0 when none
 * @param targetPid the same task in the daemon's namespace, or 0 when it cannot be named there
 * @param pidfd the pidfd the caller passed for that task, or -1 (the server owns and closes it)
 */
public record Caller(UnixSocket.Peer peer, int namedPid, int targetPid, int pidfd) {
    public boolean isRoot() {
        return peer.uid() == 0;
    }
}
