package restracker.seedabi;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A pid as the caller numbers it (its own pid namespace), as this process numbers it. The same
 * namespace: the same number. Another: the task of the caller's namespace whose innermost pid
 * (the last of /proc/PID/status's NSpid) is that number; 0 when there is none.
 */
final class CallerPids {
    private CallerPids() {}

    static int inOurView(int callerTid, int pid) {
        if (pid < 1) return pid; // refused by the operation itself, with the original's errno
        String theirs = namespace(Integer.toString(callerTid));
        if (theirs.isEmpty() || theirs.equals(namespace("self"))) return pid;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                for (Path task : tasks(p)) {
                    if (innermostPid(task) == pid && theirs.equals(namespace(task.toString().substring(6)))) {
                        return Integer.parseInt(task.getFileName().toString());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable: no such task
        }
        return 0;
    }

    private static List<Path> tasks(Path proc) {
        try (var s = Files.list(proc.resolve("task"))) {
            return s.toList();
        } catch (IOException | RuntimeException e) {
            return List.of(); // gone meanwhile
        }
    }

    private static int innermostPid(Path task) {
        try {
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] f = line.substring(6).strip().split("\\s+");
                    return Integer.parseInt(f[f.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return 0;
    }

    /** "pid:[4026531836]" of /proc/&lt;which&gt;, or "" when it cannot be read. */
    private static String namespace(String which) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", which, "ns", "pid")).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
