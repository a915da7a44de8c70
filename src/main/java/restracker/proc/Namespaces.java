package restracker.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says of pid namespaces and pidfds. */
public final class Namespaces {
    private Namespaces() {}

    /** The pid namespace of /proc/&lt;which&gt; ("pid:[4026531836]"), or "" when it cannot be read. */
    public static String pidNamespace(String which) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", which, "ns", "pid")).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The initial pid namespace's inode number: a kernel constant (PROC_PID_INIT_INO). */
    private static final String INITIAL_PID_NAMESPACE = "pid:[4026531836]";

    /** Whether this process sees the host's pids (then they are the pids the BPF side sees). */
    public static boolean inInitialPidNamespace() {
        return INITIAL_PID_NAMESPACE.equals(pidNamespace("self"));
    }

    /**
     * The pid, in this process's pid namespace, of the task a pidfd refers to (fdinfo's "Pid:"), or 0
     * when it has exited or is not visible here.
     */
    public static int pidOfPidfd(int pidfd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", Integer.toString(pidfd)))) {
                if (line.startsWith("Pid:")) return Math.max(0, Integer.parseInt(line.substring(4).strip()));
            }
        } catch (IOException | RuntimeException e) {
            // not a pidfd
        }
        return 0;
    }
}
