package restracker.seedabi;

/**
 * The original tracer's user interface: the character device /dev/tracer, whose ioctl(2) adds or
 * removes a pid (passed by value as the third argument), and the table /proc/tracer.
 */
final class TracerDevice {
    private TracerDevice() {}

    static final String DEVICE = "/dev/tracer";
    static final String TABLE = "/proc/tracer";

    /** _IOW(_IOC_WRITE, 42, pid_t): the original header passes _IOC_WRITE (1) as the ioctl type. */
    static final int ADD_PROCESS = ioWrite(1, 42, Integer.BYTES);
    /** _IOW(_IOC_WRITE, 43, pid_t) */
    static final int REMOVE_PROCESS = ioWrite(1, 43, Integer.BYTES);

    /** _IOW(type, nr, size) of the kernel's asm-generic/ioctl.h. */
    private static int ioWrite(int type, int nr, int size) {
        return (1 << 30) | (size << 16) | (type << 8) | nr;
    }
}
