package restracker.tracker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Everything restracker reads from /proc. A process that vanished meanwhile is an empty result. */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");
    private static final long PF_KTHREAD = 0x00200000L;
    /** In do_exit(), set before the exit tracepoint; the task still looks alive ('R'). */
    private static final long PF_EXITING = 0x4L;

    private ProcFs() {}

    /** What /proc says of one task (a process, or a thread by its tid). */
    public record Task(int pid, int tgid, char state, long startTicks, String comm, long vmDataBytes,
            boolean kernelThread, boolean exiting) {
        public boolean isZombie() {
            return zombie(state);
        }
    }

    /** What /proc/PID/stat alone says of a task: enough to tell it is the same live task, and its name. */
    public record Stat(char state, long startTicks, String comm, boolean kernelThread, boolean exiting) {
        public boolean isZombie() {
            return zombie(state);
        }
    }

    /** One small read, for the paths that need no more (fetch, cap, reset). */
    public static Optional<Stat> stat(int pid) {
        if (pid < 1) return Optional.empty();
        try {
            String stat = Files.readString(PROC.resolve(Integer.toString(pid)).resolve("stat"));
            int open = stat.indexOf('('), close = stat.lastIndexOf(')');
            // f[0] is field 3 (state); f[6] field 9 (flags); f[19] field 22 (starttime).
            String[] f = stat.substring(close + 2).split(" ", 21);
            long flags = Long.parseUnsignedLong(f[6]);
            return Optional.of(new Stat(f[0].charAt(0), Long.parseLong(f[19]), stat.substring(open + 1, close),
                    (flags & PF_KTHREAD) != 0, (flags & PF_EXITING) != 0));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** stat, and from /proc/PID/status the task's thread group and VmData (what register needs). */
    public static Optional<Task> task(int pid) {
        return stat(pid).flatMap(s -> {
            try {
                int tgid = pid;
                long vmData = 0;
                for (String line : Files.readAllLines(PROC.resolve(Integer.toString(pid)).resolve("status"))) {
                    if (line.startsWith("Tgid:")) tgid = Integer.parseInt(line.substring(5).strip());
                    else if (line.startsWith("VmData:")) vmData = kib(line.substring(7)) * 1024;
                }
                return Optional.of(new Task(pid, tgid, s.state(), s.startTicks(), s.comm(), vmData, s.kernelThread(),
                        s.exiting()));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    private static boolean zombie(char state) {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /** Open descriptors in pid's fd table (/proc/PID/fd entries), or -1 when it cannot be read. */
    public static int openFds(int pid) {
        try (Stream<Path> s = Files.list(PROC.resolve(Integer.toString(pid)).resolve("fd"))) {
            return (int) s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The tids of a process's threads. */
    public static List<Integer> threads(int tgid) {
        try (Stream<Path> s = Files.list(PROC.resolve(Integer.toString(tgid)).resolve("task"))) {
            return s.map(p -> Integer.parseInt(p.getFileName().toString())).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static long kib(String field) {
        return Long.parseLong(field.strip().split("\\s+")[0]);
    }
}
