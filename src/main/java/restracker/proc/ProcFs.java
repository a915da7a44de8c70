package restracker.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * What restracker reads from /proc of a task: its stat (parsed here and nowhere else), status, fd
 * table and threads. A process that vanished meanwhile is an empty result, never an error.
 */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");
    private static final long PF_KTHREAD = 0x00200000L;
    /** In do_exit(), set before the exit tracepoint; the task still looks alive ('R'). */
    private static final long PF_EXITING = 0x4L;

    private ProcFs() {}

    /** What /proc says of one task (a process, or a thread by its tid). */
    public record Task(int pid, int tgid, char state, long startTicks, String comm, long vmDataBytes,
            long vmStackBytes, long rssShmemBytes, boolean kernelThread, boolean exiting, Creds creds) {
        public boolean isZombie() {
            return zombie(state);
        }
    }

    /** A task's credentials (the Uid, Gid, CapPrm and CapEff lines of /proc/PID/status). */
    public record Creds(int uid, int euid, int suid, int fsuid, int gid, int egid, int sgid, int fsgid,
            long capPermitted, long capEffective) {
        /** The rule of kill(2): uid may signal a task whose real or saved uid is its own. */
        public boolean signalableBy(int actor) {
            return uid == actor || suid == actor;
        }

        /**
         * Whether the task has nothing beyond what actor has: all four uids actor's, its groups its
         * real group (no setgid program), no capability. What the kernel side checks after exec.
         */
        public boolean onlyThoseOf(int actor) {
            return uid == actor && euid == actor && suid == actor && fsuid == actor
                    && egid == gid && sgid == gid && fsgid == gid && capPermitted == 0 && capEffective == 0;
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

    /**
     * Whether task pid is in do_exit() (PF_EXITING, set before its exit tracepoint fires) or gone
     * already: then a hook on its exit may have run.
     */
    public static boolean exiting(int pid) {
        return stat(pid).map(Stat::exiting).orElse(true);
    }

    /** stat, and from /proc/PID/status the task's thread group, VmData, VmStk and RssShmem, and its credentials. */
    public static Optional<Task> task(int pid) {
        return stat(pid).flatMap(s -> {
            try {
                int tgid = pid;
                long vmData = 0, vmStk = 0, shmem = 0, capPrm = -1, capEff = -1;
                int[] uids = null, gids = null;
                for (String line : Files.readAllLines(PROC.resolve(Integer.toString(pid)).resolve("status"))) {
                    if (line.startsWith("Tgid:")) tgid = Integer.parseInt(line.substring(5).strip());
                    else if (line.startsWith("VmData:")) vmData = kib(line.substring(7)) * 1024;
                    else if (line.startsWith("VmStk:")) vmStk = kib(line.substring(6)) * 1024;
                    else if (line.startsWith("RssShmem:")) shmem = kib(line.substring(9)) * 1024;
                    else if (line.startsWith("Uid:")) uids = ids(line.substring(4));
                    else if (line.startsWith("Gid:")) gids = ids(line.substring(4));
                    else if (line.startsWith("CapPrm:")) capPrm = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    else if (line.startsWith("CapEff:")) capEff = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
                if (uids == null || gids == null) return Optional.empty();
                Creds creds = new Creds(uids[0], uids[1], uids[2], uids[3], gids[0], gids[1], gids[2], gids[3], capPrm, capEff);
                return Optional.of(new Task(pid, tgid, s.state(), s.startTicks(), s.comm(), vmData, vmStk, shmem, s.kernelThread(),
                        s.exiting(), creds));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    private static boolean zombie(char state) {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /**
     * RssShmem of pid's process (/proc/PID/status): resident shared memory, which the heap figure
     * does not count; empty when it cannot be read.
     */
    public static OptionalLong rssShmemBytes(int pid) {
        return task(pid).map(t -> OptionalLong.of(t.rssShmemBytes())).orElse(OptionalLong.empty());
    }

    /** Open descriptors in pid's fd table (/proc/PID/fd entries), or -1 when it cannot be read. */
    public static int openFds(int pid) {
        try (Stream<Path> s = Files.list(PROC.resolve(Integer.toString(pid)).resolve("fd"))) {
            return (int) s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The pids of every process /proc lists now (thread-group leaders; a process whose leader
     * exited before its other threads is still listed): one directory read, so that a table of
     * entities can skip those of processes that are gone without one failed open each.
     */
    public static Set<Integer> processIds() {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(PROC)) {
            Set<Integer> pids = new HashSet<>();
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9') && name.length() < 10) {
                    pids.add(Integer.parseInt(name));
                }
            }
            return pids;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the processes in " + PROC + ": " + e.getMessage(), e);
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

    /** The four ids of a Uid: or Gid: line: real, effective, saved, filesystem. */
    private static int[] ids(String field) {
        String[] f = field.strip().split("\\s+");
        return new int[] {Integer.parseUnsignedInt(f[0]), Integer.parseUnsignedInt(f[1]), Integer.parseUnsignedInt(f[2]),
                Integer.parseUnsignedInt(f[3])};
    }

    private static long kib(String field) {
        return Long.parseLong(field.strip().split("\\s+")[0]);
    }
}
