package restracker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import restracker.kernel.PinnedState;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * The system calls of each operation of the Java API, for `SYSCALLS=1 bench/api` to count under
 * strace: the same cycle as {@link ApiBenchmark} (register + cap + fetch + deregister on a real
 * `sleep`), warmed up, then N cycles with a marker before each operation and after the last: a
 * failed stat of "/restracker-syscalls-mark-OPERATION", which the counter sees in the trace and
 * does not count. Loads the tracker in a pin directory of its own and unloads it. A benchmark's
 * driver, not a test.
 */
public final class ApiSyscalls {
    private static final Quota QUOTA = new Quota(1L << 30, 1000);
    private static final int WARM_UP = 2000;

    private ApiSyscalls() {}

    public static void main(String[] args) throws IOException {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path pinDir = Path.of("/sys/fs/bpf/restracker-syscalls-" + ProcessHandle.current().pid());
        PinnedState.unload(pinDir);
        Process sleep = new ProcessBuilder("sleep", "100000").start();
        try (ResourceTracker tracker = ResourceTracker.open(pinDir)) {
            int pid = (int) sleep.pid();
            for (int i = 0; i < WARM_UP; i++) {
                tracker.register(pid);
                tracker.cap(pid, QUOTA, false);
                tracker.fetch(pid);
                tracker.deregister(pid);
            }
            for (int i = 0; i < cycles; i++) {
                mark("register");
                tracker.register(pid);
                mark("cap");
                tracker.cap(pid, QUOTA, false);
                mark("fetch");
                tracker.fetch(pid);
                mark("deregister");
                tracker.deregister(pid);
            }
            mark("end");
        } finally {
            sleep.destroyForcibly();
            PinnedState.unload(pinDir);
        }
    }

    private static void mark(String operation) {
        Files.exists(Path.of("/restracker-syscalls-mark-" + operation));
    }
}
