package restracker.seedabi;

import java.util.ArrayList;
import java.util.List;

/**
 * The original interface as `run --seed-abi` offers it: the system calls from base, and in
 * {@link Mode#FULL} the tracer's device and table. Says which calls the seccomp filter stops.
 */
public record SeedAbi(int base, Mode mode) {
    /** The numbers the original kernel patch gave its calls. */
    public static final int DEFAULT_BASE = 548;
    /** x86-64's openat(2) and open(2): in FULL mode every one is stopped, to see /dev/tracer and /proc/tracer. */
    static final int NR_OPENAT = 257, NR_OPEN = 2;

    public SeedAbi {
        if (base < 0 || base > 1023 - SeedCall.COUNT) {
            throw new IllegalArgumentException("the system call base must be between 0 and " + (1023 - SeedCall.COUNT));
        }
    }

    /** The launcher's options for the filter: which system calls and ioctl requests it stops. */
    List<String> filterOptions() {
        List<String> o = new ArrayList<>();
        for (int i = 0; i < SeedCall.COUNT; i++) o.addAll(List.of("--notify-syscall", Integer.toString(base + i)));
        if (mode == Mode.FULL) {
            o.addAll(List.of("--notify-syscall", Integer.toString(NR_OPENAT)));
            o.addAll(List.of("--notify-syscall", Integer.toString(NR_OPEN)));
            o.addAll(List.of("--notify-ioctl", "0x" + Integer.toHexString(TracerDevice.ADD_PROCESS)));
            o.addAll(List.of("--notify-ioctl", "0x" + Integer.toHexString(TracerDevice.REMOVE_PROCESS)));
        }
        return o;
    }
}
