package restracker.seedabi;

/** What `run --seed-abi` takes over: the system calls only, or the tracer's device and table too. */
public enum Mode {
    /** The system calls, the /dev/tracer ioctls and opens of /dev/tracer and /proc/tracer. */
    FULL,
    /** The system calls only: no ioctl or open is stopped. */
    SYSCALLS;
}
