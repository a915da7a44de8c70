package restracker.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Drives the workload test program (src/test/c/workload.c): a real process that
 * allocates and frees memory, opens and closes fds, starts threads etc. only when
 * told to, one command per line, so tests can compare restracker with /proc.
 *
 * <p>Not thread-safe: use one instance from one test thread.
 */
public final class Workload implements AutoCloseable {

    /** How long we wait for one reply; a test should fail, never hang. */
    private static final long REPLY_TIMEOUT_MS = 10_000;
    /** Marks end of the workload's stdout in the reply queue. */
    private static final String EOF = new String("<eof>");

    private final Process process;
    /** The command loop's pid as the host sees it: the launcher's own, or its child's (see start(String...)). */
    private int pid;
    private final OutputStream stdin;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    /**
     * Why the workload can take no more commands: a reply that did not come in time could still
     * come, and would then be read as the answer to the next command. Null while it is usable.
     */
    private String broken;
    private long replyTimeoutMs = REPLY_TIMEOUT_MS;

    /** The workload answered {@code err <errno> <message>}. */
    public static final class WorkloadError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        WorkloadError(int errno, String message) {
            super(message);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    /** The workload exited (or was killed) instead of answering. */
    public static final class WorkloadDied extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exitStatus;

        WorkloadDied(int exitStatus, String message) {
            super(message);
            this.exitStatus = exitStatus;
        }

        /** Exit code, or 128 + signal number if it was killed (as {@link Process} reports it). */
        public int exitStatus() {
            return exitStatus;
        }
    }

    private Workload(Process process) {
        this.process = process;
        this.pid = (int) process.pid();
        this.stdin = process.getOutputStream();
        // Reading happens on its own thread so that send() can wait with a timeout.
        Thread reader = new Thread(this::pumpReplies, "workload-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the binary named by system property restracker.workload (default target/test-bin/workload). */
    public static Workload start() {
        return start(List.of(), binary());
    }

    /**
     * Starts the workload through its launcher options (workload.c): --new-pidns, --pidns-of PID,
     * --set-tid N[,M...]. The launcher forks the command loop, so {@link #pid()} is then the
     * child's pid in the host's namespace and {@link #nsPids()} its pid in each namespace.
     */
    public static Workload start(String... launcherArgs) {
        return start(List.of(), binary(), launcherArgs);
    }

    /** The workload binary the tests use. */
    public static Path binary() {
        Path binary = Path.of(System.getProperty("restracker.workload", "target/test-bin/workload"));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("workload binary not found or not executable: "
                    + binary.toAbsolutePath()
                    + " (build it from src/test/c/workload.c, or set -Drestracker.workload=PATH)");
        }
        return binary;
    }

    /**
     * Starts binary through prefix, a command that execs its arguments in the same process (such as
     * setpriv switching user), so that the workload's pid is the started process's.
     */
    public static Workload start(List<String> prefix, Path binary, String... launcherArgs) {
        List<String> command = new ArrayList<>(prefix);
        command.add(binary.toString());
        command.addAll(List.of(launcherArgs));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Workload w = new Workload(p);
            if (launcherArgs.length > 0) {
                w.pid = w.nsPids().getFirst();
                return w;
            }
            // First answer means the loader is done and the command loop runs,
            // so /proc figures read from now on are stable.
            String pid = w.send("pid");
            if (!pid.startsWith(w.pid() + " ")) {
                w.close();
                throw new IllegalStateException("unexpected answer from workload: " + pid);
            }
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
    }

    private void pumpReplies() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                replies.add(line);
            }
        } catch (IOException e) {
            // stdout broke: treat it like EOF, send() then reports how the process ended
        } finally {
            replies.add(EOF);
        }
    }

    public int pid() {
        return pid;
    }

    /** The pid in each pid namespace the process is in, the host's first (NSpid in /proc/PID/status). */
    public List<Integer> nsPids() {
        return Arrays.stream(send("nspid").trim().split("\\s+")).map(Integer::parseInt).toList();
    }

    /** How long send() waits for a reply from now on (for tests of the timeout itself). */
    void replyTimeout(java.time.Duration limit) {
        replyTimeoutMs = limit.toMillis();
    }

    public Process process() {
        return process;
    }

    /** Sends one command and returns the text after "ok" (empty if none). */
    public String send(String command) {
        sendNoReply(command);
        String line;
        try {
            line = replies.poll(replyTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for reply to '" + command + "'", e);
        }
        if (line == null) {
            broken = "workload " + pid() + " gave no reply to '" + command + "' within " + replyTimeoutMs + " ms";
            throw new IllegalStateException(broken);
        }
        if (line == EOF) {
            replies.add(EOF); // later calls must see it too
            throw died(command);
        }
        if (line.equals("ok")) {
            return "";
        }
        if (line.startsWith("ok ")) {
            return line.substring(3);
        }
        if (line.startsWith("err ")) {
            String[] parts = line.split(" ", 3);
            int errno;
            try {
                errno = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("malformed reply to '" + command + "': " + line);
            }
            throw new WorkloadError(errno, "'" + command + "' failed: " + line);
        }
        throw new IllegalStateException("malformed reply to '" + command + "': " + line);
    }

    /** Sends a command that does not answer on success, such as "exit 3" or "exec /bin/true". */
    public void sendNoReply(String command) {
        if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("command must be one line: " + command);
        }
        if (broken != null) {
            throw new IllegalStateException("'" + command + "' not sent: " + broken + " (a late reply would be taken for this one's)");
        }
        try {
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            // broken pipe: the process is gone
            throw died(command);
        }
    }

    private WorkloadDied died(String command) {
        int status = waitForExit();
        return new WorkloadDied(status, "workload " + pid() + " ended with status " + status
                + " instead of answering '" + command + "'");
    }

    // ---- convenience commands ----

    public long mmap(long bytes) {
        return addr(send("mmap " + bytes));
    }

    public long mmapShared(long bytes) {
        return addr(send("mmap_shared " + bytes));
    }

    /** Touches every page of [addr, addr + bytes). */
    public void touch(long addr, long bytes) {
        send("touch " + hex(addr) + " " + bytes);
    }

    /** A MAP_GROWSDOWN mapping of bytes (a stack: VmStk, not VmData), touched. */
    public long growsdown(long bytes) {
        return addr(send("growsdown " + bytes));
    }

    /** A SysV shared memory segment of bytes, attached and touched (RssShmem). */
    public long shm(long bytes) {
        return addr(send("shm " + bytes));
    }

    /**
     * Another process in this one's mm (clone with CLONE_VM) maps and touches bytes and exits;
     * this one waits for it asleep. Returns "PID exit N" or "PID signal N".
     */
    public String vmChild(long bytes) {
        return send("vmchild " + bytes);
    }

    /** As {@link #vmChild}, with this one's fd table (CLONE_FILES): the child opens path n times. */
    public String filesChild(int n, String path) {
        return send("fileschild " + n + " " + path);
    }

    /**
     * Opens path n times (at most 256) through an io_uring ring with a SQPOLL thread, polling the
     * completions from user space; returns the number opened (the ring's own descriptor stays open).
     */
    public int sqpoll(int n, String path) {
        return Integer.parseInt(send("sqpoll " + n + " " + path).split(" ")[1]);
    }

    public void munmap(long addr, long bytes) {
        send("munmap " + hex(addr) + " " + bytes);
    }

    /** prot is "r", "rw" or "none". */
    public void mprotect(long addr, long bytes, String prot) {
        send("mprotect " + hex(addr) + " " + bytes + " " + prot);
    }

    public long malloc(long bytes) {
        return addr(send("malloc " + bytes));
    }

    public void free(long addr) {
        send("free " + hex(addr));
    }

    /** Moves the program break by delta (may be negative); returns the new break. */
    public long brk(long delta) {
        return addr(send("brk " + delta));
    }

    public int open(String path) {
        return Integer.parseInt(send("open " + path));
    }

    public int dup(int fd) {
        return Integer.parseInt(send("dup " + fd));
    }

    public int socket() {
        return Integer.parseInt(send("socket"));
    }

    /** Returns {read end, write end}. */
    public int[] pipe() {
        return ints(send("pipe"));
    }

    public void close(int fd) {
        send("close " + fd);
    }

    /** last is unsigned as in the syscall: pass -1 for "all fds from first on". */
    public void closeRange(int first, int last) {
        send("close_range " + Integer.toUnsignedString(first) + " " + Integer.toUnsignedString(last));
    }

    /** Starts a thread that waits for commands; returns its kernel tid. */
    public int thread() {
        return Integer.parseInt(send("thread"));
    }

    /** Runs a command on the thread with this tid, returns its result like {@link #send}. */
    public String on(int tid, String command) {
        return send("on " + tid + " " + command);
    }

    /** Ends that thread; returns after it has been joined and left /proc/PID/task. */
    public void exitThread(int tid) {
        on(tid, "exit_thread");
    }

    /** Opens, reads to the end and closes path n times (the kernel kmallocs and kfrees each round). */
    public void readFile(int n, String path) {
        send("readfile " + n + " " + path);
    }

    /** Opens and closes path n times, in C (descriptor churn at syscall speed). */
    public void fdChurn(int n, String path) {
        send("fdchurn " + n + " " + path);
    }

    /**
     * Changes this process's uids without an exec by syscall ("setuid", "setreuid" or "setresuid",
     * issued as such, by the command loop's thread alone), with its ids (-1 keeps one); returns the
     * real uid then.
     */
    public int changeUids(String syscall, long... ids) {
        StringBuilder command = new StringBuilder(syscall);
        for (long id : ids) command.append(' ').append(id);
        return Integer.parseInt(send(command.toString()));
    }

    /** Forks n children one after the other, each exiting at once and reaped (a fork storm). */
    public void forks(int n) {
        send("forks " + n);
    }

    /** n times: a new pipe, one byte through it, both ends closed. */
    public void pipes(int n) {
        send("pipes " + n);
    }

    /** One pipe, n bytes written and read back one at a time (one pipe mutex per write and per read). */
    public void pipeReadWrite(int n) {
        send("pipe_rw " + n);
    }

    /**
     * n seccomp user notifications between a helper thread and the main thread: n up() and n
     * down_interruptible() calls in the kernel, on top of a fixed cost per call of the command.
     */
    public void seccompNotify(int n) {
        send("seccomp_notify " + n);
    }

    // ---- the kernel's own figures, for comparison ----

    /** The tids of the process's threads now. */
    public java.util.List<Integer> tids() {
        try (Stream<Path> s = Files.list(proc("task"))) {
            return s.map(p -> Integer.parseInt(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** voluntary + nonvoluntary context switches, summed over the process's threads now. */
    public long contextSwitches() {
        long sum = 0;
        for (int tid : tids()) {
            Path status = proc("task").resolve(Integer.toString(tid)).resolve("status");
            try (Stream<String> lines = Files.lines(status)) {
                sum += lines.filter(l -> l.startsWith("voluntary_ctxt_switches:")
                                || l.startsWith("nonvoluntary_ctxt_switches:"))
                        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip())).sum();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sum;
    }

    /** VmData from /proc/PID/status, in bytes. */
    public long vmDataBytes() {
        return statusBytes("VmData");
    }

    /** VmData + VmStk from /proc/PID/status (what the heap figure counts), in bytes. */
    public long heapFigureBytes() {
        return statusBytes("VmData") + statusBytes("VmStk");
    }

    /** A "kB" field of /proc/PID/status (VmData, VmRSS, VmStk, ...), in bytes. */
    public long statusBytes(String field) {
        return statusNumber(field) * 1024;
    }

    /** The number a field of /proc/PID/status starts with ("VmData:	   20756 kB": 20756; "FDSize:	64": 64). */
    public long statusNumber(String field) {
        try (Stream<String> lines = Files.lines(proc("status"))) {
            String line = lines.filter(l -> l.startsWith(field + ":")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + field + " in /proc/" + pid() + "/status"));
            return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Number of entries in /proc/PID/fd. */
    public int openFds() {
        try (Stream<Path> fds = Files.list(proc("fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits (up to the reply timeout) for the process to end; returns its exit status. */
    public int waitForExit() {
        try {
            if (!process.waitFor(REPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("workload " + pid() + " did not exit within "
                        + REPLY_TIMEOUT_MS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for workload " + pid(), e);
        }
        return process.exitValue();
    }

    /** Closes stdin (the workload exits 0 on EOF); kills it if it does not go quickly. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    // ---- helpers ----

    private Path proc(String entry) {
        return Path.of("/proc", Integer.toString(pid), entry);
    }

    private static long addr(String s) {
        String hex = s.startsWith("0x") ? s.substring(2) : s;
        return Long.parseUnsignedLong(hex, 16);
    }

    private static String hex(long addr) {
        return "0x" + Long.toHexString(addr);
    }

    private static int[] ints(String s) {
        String[] parts = s.split(" ");
        int[] result = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            result[i] = Integer.parseInt(parts[i]);
        }
        return result;
    }
}
