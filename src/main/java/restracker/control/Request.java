package restracker.control;

import restracker.sys.Errno;
import restracker.sys.NativeException;
import restracker.tracker.Quota;

/**
 * One call through the control socket, typed: an operation, the pid it names (in the caller's pid
 * namespace; 0 for an operation that names none), quotas (only `cap` carries any; -1 is unlimited)
 * and flags. A pidfd for the pid travels with the request when the caller could open one. Every
 * field is checked here, so a Request that exists is one the daemon may run.
 */
public record Request(Operation operation, int pid, Quota quota, int flags) {
    /** `--json`: the answer as JSON. */
    public static final int JSON = 1;
    /** `cap --replace`: quotas already set are replaced. */
    public static final int REPLACE = 2;
    /** `register --from-exec` (how `run` registers its program): usage counts from the next exec. */
    public static final int FROM_EXEC = 4;
    /** How `run` registers its program without --no-children: the processes it forks are tracked too. */
    public static final int WITH_CHILDREN = 8;
    static final int ALL_FLAGS = JSON | REPLACE | FROM_EXEC | WITH_CHILDREN;

    public Request {
        if (operation == null) throw malformed("no operation");
        if (quota == null) throw malformed("no quotas");
        if (!operation.namesPid() && pid != 0) {
            throw malformed(name(operation) + " names no pid, but the request carries pid " + pid);
        }
        if ((flags & ~ALL_FLAGS) != 0) throw malformed("unknown flags 0x" + Integer.toHexString(flags & ~ALL_FLAGS));
        if ((flags & ~operation.flags()) != 0) {
            throw malformed("flags 0x" + Integer.toHexString(flags & ~operation.flags()) + " do not apply to "
                    + name(operation));
        }
        // (Not quota.equals(Quota.NONE): a record's equals is bootstrapped on its first call, which
        // spins method handles that every CLI call would pay for.)
        if (operation != Operation.CAP && (quota.heapLimited() || quota.filesLimited())) {
            throw malformed(name(operation) + " takes no quotas");
        }
    }

    public static Request of(Operation operation, int pid) {
        return new Request(operation, pid, Quota.NONE, 0);
    }

    public static Request of(Operation operation) {
        return of(operation, 0);
    }

    /** This request with flag set or cleared. */
    public Request with(int flag, boolean set) {
        return new Request(operation, pid, quota, set ? flags | flag : flags & ~flag);
    }

    public Request withQuota(Quota q) {
        return new Request(operation, pid, q, flags);
    }

    /** The same request about the task as another pid namespace numbers it. */
    public Request withPid(int other) {
        return new Request(operation, other, quota, flags);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    private static String name(Operation o) {
        return o.name().toLowerCase(java.util.Locale.ROOT);
    }

    static NativeException malformed(String why) {
        return new NativeException(Errno.EINVAL.number(), "malformed control request: " + why);
    }
}
