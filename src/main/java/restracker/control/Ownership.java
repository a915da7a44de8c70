package restracker.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import restracker.bpf.Errno;
import restracker.bpf.NativeException;
import restracker.bpf.Pidfds;

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
        int[] uids = caller.targetPid() < 1 ? null : uids(caller.targetPid());
        if (uids == null) {
            throw new NativeException(Errno.ESRCH.number(), "cannot " + what + " pid " + caller.namedPid()
                    + ": no such process" + (caller.targetPid() < 1 ? " in the caller's pid namespace" : ""));
        }
        // The pid came from the caller's pidfd (or, without one, is the number the caller typed in
        // the daemon's own pid namespace), and /proc was read by that number. A pid number is bound
        // to one task until that task is reaped; numbers are then handed out again, cyclically, up
        // to pid_max. So if the pidfd's task is still there now, after the read, the uids read were
        // its own and not those of a newer process that got the number. What remains is the window
        // between this check and the change itself: the tracker applies the caller's uid again
        // (the Actor) under its lock, reading /proc as it acts, and a number reused within it
        // would have to wrap around all of pid_max in between.
        if (caller.pidfd() >= 0 && !Pidfds.alive(caller.pidfd())) {
            throw new NativeException(Errno.ESRCH.number(), "cannot " + what + " pid " + caller.namedPid()
                    + ": it exited while the request was checked");
        }
        if (uids[0] == caller.peer().uid() || uids[2] == caller.peer().uid()) return;
        throw new NativeException(Errno.EPERM.number(), "cannot " + what + " pid " + caller.namedPid()
                + ": it belongs to uid " + uids[0] + ", and uid " + caller.peer().uid()
                + " may change only its own processes");
    }

    /** Real, effective, saved and filesystem uid of a task, or null when it is gone. */
    private static int[] uids(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
                if (!line.startsWith("Uid:")) continue;
                String[] f = line.substring(4).strip().split("\\s+");
                return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3])};
            }
        } catch (IOException | RuntimeException e) {
            // exited
        }
        return null;
    }
}
