package restracker.tracer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the tracer reads from /proc beyond restracker.tracker.ProcFs. */
final class Proc {
    private static final long PF_EXITING = 0x4;

    private Proc() {}

    /** Whether task pid is in do_exit() (PF_EXITING): its exit hook may already have run. */
    static boolean exiting(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseUnsignedLong(f[6]) & PF_EXITING) != 0; // field 9: flags
        } catch (IOException | RuntimeException e) {
            return true; // gone
        }
    }
}
