package restracker.control;

import restracker.proc.ProcFs;
import restracker.sys.Errno;
import restracker.sys.NativeException;
import restracker.sys.Pidfds;

/**
 * Who may change how a task is tracked: root, or the task's owner by the rule kill(2) applies, the
 * caller's uid equal to the task's real or saved user id. Tracking a process and setting its quotas
 * can kill it, so it takes the same right as killing it.
 */
public final class Ownership {
    private Ownership() {}

    /**
     * Throws EPERM unless caller may change the tracking of its target, ESRCH when the target is gone
     * (its pid could be anyone's next).
     */
    public static void requireMayChange(Caller caller, String what) {
        if (caller.isRoot()) return;
        ProcFs.Creds creds = caller.targetPid() < 1 ? null
                : ProcFs.task(caller.targetPid()).map(ProcFs.Task::creds).orElse(null);
        if (creds == null) {
            throw new NativeException(Errno.ESRCH.number(), "cannot " + what + " pid " + caller.namedPid()
                    + ": no such process" + (caller.targetPid() < 1 ? " in the caller's pid namespace" : ""));
        }
        // The pid came from the caller's pidfd (or, without one, is the number the caller typed in
        // the daemon's own pid namespace), and /proc was read by that number. A pid number is bound
        // to one task until that task is reaped; numbers are then handed out again, cyclically, up
        // to pid_max. So if the pidfd's task is still there now, after the read, the credentials read
        // were its own and not those of a newer process that got the number. What remains is the window
        // between this check and the change itself: the tracker applies the caller's uid again
        // (the Actor) under its lock, reading /proc as it acts, and a number reused within it
        // would have to wrap around all of pid_max in between.
        if (caller.pidfd() >= 0 && !Pidfds.alive(caller.pidfd())) {
            throw new NativeException(Errno.ESRCH.number(), "cannot " + what + " pid " + caller.namedPid()
                    + ": it exited while the request was checked");
        }
        if (creds.signalableBy(caller.peer().uid())) return;
        throw new NativeException(Errno.EPERM.number(), "cannot " + what + " pid " + caller.namedPid()
                + ": it belongs to uid " + creds.uid() + ", and uid " + caller.peer().uid()
                + " may change only its own processes");
    }
}
