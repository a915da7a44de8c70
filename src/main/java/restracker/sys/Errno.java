package restracker.sys;

/**
 * The error numbers restracker reports. Its operations fail with the numbers of the system calls they replace,
 * so the CLI's exit status is the errno; 23 is their "already monitored", not ENFILE.
 */
public enum Errno {
    EPERM(1, "operation not permitted"),
    ENOENT(2, "no such file or directory"),
    ESRCH(3, "no such process"),
    EINTR(4, "interrupted system call"),
    E2BIG(7, "argument list too long"),
    EBADF(9, "bad file descriptor"),
    EAGAIN(11, "resource temporarily unavailable"),
    ENOMEM(12, "out of memory"),
    EACCES(13, "permission denied"),
    EBUSY(16, "device or resource busy"),
    EEXIST(17, "file exists"),
    ENODEV(19, "no such device"),
    ENOTDIR(20, "not a directory"),
    EINVAL(22, "invalid argument"),
    ALREADY(23, "already monitored"),
    ENOSPC(28, "no space left"),
    ENOSYS(38, "function not implemented"),
    EOPNOTSUPP(95, "operation not supported"),
    ENOTSUPP(524, "operation not supported by this kernel"),
    UNKNOWN(-1, "unknown error");

    private final int number;
    private final String text;

    Errno(int number, String text) {
        this.number = number;
        this.text = text;
    }

    public int number() {
        return number;
    }

    public String text() {
        return text;
    }

    /** The errno for a (positive or negated) number; UNKNOWN when restracker has no name for it. */
    public static Errno of(int number) {
        int n = Math.abs(number);
        if (n == 23) return ALREADY;
        for (Errno e : values()) {
            if (e.number == n) return e;
        }
        return UNKNOWN;
    }

    /** "ESRCH (3)": how messages name an errno. */
    public String label() {
        return (this == ALREADY ? "already monitored" : name()) + " (" + number + ")";
    }
}
