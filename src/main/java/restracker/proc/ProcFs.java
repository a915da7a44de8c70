package restracker.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
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

    /** Bytes asked for by the first read of stat, and of status: more than either takes (a longer one: twice as many). */
    private static final int STAT_SIZE = 1024, STATUS_SIZE = 4096;

    /**
     * What separates the figures of a status line, compiled once (String.split would compile it at
     * each call), on first use (a holder: a CLI call that reads no status loads no regex classes).
     */
    private static final class Blanks {
        static final java.util.regex.Pattern PATTERN = java.util.regex.Pattern.compile("\\s+");
    }

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
        try (StatFile f = StatFile.open(pid)) {
            return f.read();
        }
    }

    /**
     * The stat of task tid of process tgid, read at /proc/TGID/task/TID/stat: the thread's own
     * file, a read of constant cost. /proc/TID/stat is its process's (the kernel sums the figures
     * of all the threads for it: one walk of every thread per read, so a table of all the threads
     * of a large process cost the square of its size), but what {@link Stat} holds (state, name,
     * flags, start time) is the task's own in both. Where tid is no thread of tgid (exited; or,
     * after its process's exec, under the pid of its leader) it is what {@link #stat(int)} says.
     */
    public static Optional<Stat> stat(int tgid, int tid) {
        if (tgid < 1 || tid < 1) return stat(tid);
        try {
            return Optional.of(parseStat(read(taskDir(tgid, tid).resolve("stat"), STAT_SIZE)));
        } catch (IOException | RuntimeException e) {
            return stat(tid);
        }
    }

    private static Path taskDir(int tgid, int tid) {
        return Path.of("/proc/" + tgid + "/task/" + tid);
    }

    /**
     * /proc/PID/stat held open, for a caller that reads it more than once: each {@link #read} is
     * one system call, and of the task that had the pid at the opening (empty once that task is
     * reaped, whatever task has the pid by then).
     */
    public static final class StatFile implements AutoCloseable {
        private final int pid;
        private final FileChannel channel; // null: no such task at the opening

        private StatFile(int pid, FileChannel channel) {
            this.pid = pid;
            this.channel = channel;
        }

        /** Opens pid's stat; a task that does not exist gives a file whose every read is empty. */
        public static StatFile open(int pid) {
            if (pid < 1) return new StatFile(pid, null);
            try {
                return new StatFile(pid, FileChannel.open(PROC.resolve(Integer.toString(pid)).resolve("stat")));
            } catch (IOException | RuntimeException e) {
                return new StatFile(pid, null);
            }
        }

        /**
         * As {@link #open}, the task's own file, /proc/PID/task/PID/stat (a thread's tid works
         * there too): the same fields, without the walk of every thread that /proc/PID/stat makes
         * for a process's figures (see {@link ProcFs#stat(int, int)}).
         */
        public static StatFile openOwn(int pid) {
            if (pid < 1) return new StatFile(pid, null);
            try {
                return new StatFile(pid, FileChannel.open(taskDir(pid, pid).resolve("stat")));
            } catch (IOException | RuntimeException e) {
                return new StatFile(pid, null);
            }
        }

        /** Whether a task had the pid at the opening (else every read is empty). */
        public boolean opened() {
            return channel != null;
        }

        public Optional<Stat> read() {
            if (channel == null) return Optional.empty();
            try {
                return Optional.of(parseStat(ProcFs.read(channel, STAT_SIZE)));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** As {@link ProcFs#task}: this file read now, and the task's status. */
        public Optional<Task> task() {
            return read().flatMap(s -> status(pid, s));
        }

        @Override
        public void close() {
            try {
                if (channel != null) channel.close();
            } catch (IOException e) {
                // a /proc file: nothing was written, nothing is lost
            }
        }
    }

    /** The fields of /proc/PID/stat that {@link Stat} holds. */
    private static Stat parseStat(String stat) {
        int open = stat.indexOf('('), close = stat.lastIndexOf(')');
        // After the name, one field per space from field 3 (state): 9 is flags, 22 starttime.
        int state = close + 2, flags = field(stat, state, 9 - 3), start = field(stat, flags, 22 - 9);
        long f = Long.parseUnsignedLong(stat, flags, end(stat, flags), 10);
        return new Stat(stat.charAt(state), Long.parseLong(stat, start, end(stat, start), 10), stat.substring(open + 1, close),
                (f & PF_KTHREAD) != 0, (f & PF_EXITING) != 0);
    }

    /** Where the field n fields after the one at from begins. */
    private static int field(String stat, int from, int n) {
        int at = from;
        for (int i = 0; i < n; i++) {
            at = stat.indexOf(' ', at) + 1;
            if (at == 0) throw new IllegalArgumentException("a short /proc/PID/stat");
        }
        return at;
    }

    private static int end(String stat, int from) {
        int space = stat.indexOf(' ', from);
        return space < 0 ? stat.length() : space;
    }

    /**
     * A file of /proc, decoded as UTF-8 (malformed input an IOException), in as few system calls
     * as it takes: open, a read at offset 0 into a buffer large enough for one answer, close. A
     * read of a /proc file shorter than asked for is the end of it (each answer is made whole,
     * then copied out), so the read that would return nothing is not made.
     */
    private static String read(Path path, int size) throws IOException {
        try (FileChannel ch = FileChannel.open(path)) {
            return read(ch, size);
        }
    }

    /** As {@link #read(Path, int)} on a file already open, from its start (a read of it anew). */
    private static String read(FileChannel ch, int size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(size);
        while (true) {
            int n = ch.read(buf, buf.position());
            if (n < 0 || buf.hasRemaining()) break;
            buf = ByteBuffer.allocate(buf.capacity() * 2).put(buf.flip());
        }
        buf.flip();
        byte[] bytes = buf.array();
        for (int i = 0; i < buf.limit(); i++) {
            if (bytes[i] < 0) return StandardCharsets.UTF_8.newDecoder().decode(buf).toString();
        }
        return new String(bytes, 0, buf.limit(), StandardCharsets.US_ASCII); // ASCII: UTF-8 as it is
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
        try (StatFile f = StatFile.open(pid)) {
            return f.task();
        }
    }

    /** The task s of pid with what its /proc/PID/status says; empty when that cannot be read. */
    private static Optional<Task> status(int pid, Stat s) {
        try {
            String status = read(PROC.resolve(Integer.toString(pid)).resolve("status"), STATUS_SIZE);
            String tgid = line(status, "Tgid:"), vmData = line(status, "VmData:"), vmStk = line(status, "VmStk:"),
                    shmem = line(status, "RssShmem:"), uid = line(status, "Uid:"), gid = line(status, "Gid:"),
                    capPrm = line(status, "CapPrm:"), capEff = line(status, "CapEff:");
            if (uid == null || gid == null) return Optional.empty();
            int[] uids = ids(uid), gids = ids(gid);
            Creds creds = new Creds(uids[0], uids[1], uids[2], uids[3], gids[0], gids[1], gids[2], gids[3],
                    capPrm == null ? -1 : Long.parseUnsignedLong(capPrm.strip(), 16),
                    capEff == null ? -1 : Long.parseUnsignedLong(capEff.strip(), 16));
            return Optional.of(new Task(pid, tgid == null ? pid : Integer.parseInt(tgid.strip()), s.state(), s.startTicks(),
                    s.comm(), vmData == null ? 0 : kib(vmData) * 1024, vmStk == null ? 0 : kib(vmStk) * 1024,
                    shmem == null ? 0 : kib(shmem) * 1024, s.kernelThread(), s.exiting(), creds));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The rest of the line of status that begins with key, or null. Only the first line (Name:,
     * where a task's name could hold any text, escaped) begins elsewhere than after a newline.
     */
    private static String line(String status, String key) {
        int at = status.indexOf("\n" + key);
        if (at < 0) return null;
        int from = at + 1 + key.length(), end = status.indexOf('\n', from);
        return status.substring(from, end < 0 ? status.length() : end);
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

    /**
     * Open descriptors in pid's fd table, or -1 when it cannot be read: the size of /proc/PID/fd,
     * which is that count where the kernel gives it (Linux 6.2 and later: the descriptors in use,
     * the figure the tracker's BPF side counts), else the directory's entries.
     */
    public static int openFds(int pid) {
        Path fd = PROC.resolve(Integer.toString(pid)).resolve("fd");
        try {
            long size = Files.readAttributes(fd, BasicFileAttributes.class).size();
            if (size > 0) return (int) size;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        try (Stream<Path> s = Files.list(fd)) {
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

    /**
     * The tids of a process's threads. A live leader that /proc/PID/stat says is its process's
     * only thread (num_threads, which counts a thread until it is reaped) is the whole list,
     * without reading the directory.
     */
    public static List<Integer> threads(int tgid) {
        if (onlyLiveThread(tgid)) return List.of(tgid);
        try (Stream<Path> s = Files.list(PROC.resolve(Integer.toString(tgid)).resolve("task"))) {
            return s.map(p -> Integer.parseInt(p.getFileName().toString())).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static boolean onlyLiveThread(int tgid) {
        if (tgid < 1) return false;
        try {
            String stat = read(PROC.resolve(Integer.toString(tgid)).resolve("stat"), STAT_SIZE);
            int state = stat.lastIndexOf(')') + 2, threads = field(stat, state, 20 - 3);
            return !zombie(stat.charAt(state)) && Long.parseLong(stat, threads, end(stat, threads), 10) == 1;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The four ids of a Uid: or Gid: line: real, effective, saved, filesystem. */
    private static int[] ids(String field) {
        String[] f = Blanks.PATTERN.split(field.strip());
        return new int[] {Integer.parseUnsignedInt(f[0]), Integer.parseUnsignedInt(f[1]), Integer.parseUnsignedInt(f[2]),
                Integer.parseUnsignedInt(f[3])};
    }

    private static long kib(String field) {
        return Long.parseLong(Blanks.PATTERN.split(field.strip(), 2)[0]);
    }
}
