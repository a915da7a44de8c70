package restracker.tracer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import restracker.tracker.ProcFs;

/** Tasks the tests need besides the workload: a busy kernel thread, a zombie, a pid nobody has. */
final class Tasks {
    /** Above pid_max (4194304 at most): never a process. */
    static final int NO_SUCH_PID = 4194305;

    private Tasks() {}

    /** voluntary + nonvoluntary context switches of task pid (one task, not its threads). */
    static long switches(int pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Integer.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("voluntary_ctxt_switches:") || l.startsWith("nonvoluntary_ctxt_switches:"))
                    .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip())).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The kernel thread switched out most often over a fifth of a second (rcu_preempt, a kworker, ...). */
    static int busiestKernelThread() throws InterruptedException {
        Map<Integer, Long> before = new HashMap<>();
        for (int pid : kernelThreads()) before.put(pid, switches(pid));
        Thread.sleep(200);
        int best = -1;
        long most = -1;
        for (var e : before.entrySet()) {
            long now = switches(e.getKey());
            if (e.getValue() >= 0 && now - e.getValue() > most) {
                most = now - e.getValue();
                best = e.getKey();
            }
        }
        if (best < 0 || most <= 0) throw new IllegalStateException("no kernel thread was switched out in 200 ms");
        return best;
    }

    private static List<Integer> kernelThreads() {
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).map(Integer::parseInt)
                    .filter(pid -> ProcFs.task(pid).map(ProcFs.Task::kernelThread).orElse(false)).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A zombie: a child that outlives its shell by a moment, so that its parent is a sleep that never waits (the JVM would reap its own at once). */
    static final class Zombie implements AutoCloseable {
        private final Process parent;
        final int pid;

        Zombie() throws IOException, InterruptedException {
            parent = new ProcessBuilder("sh", "-c", "sleep 0.2 & echo $!; exec sleep 30").start();
            pid = Integer.parseInt(parent.inputReader().readLine().strip());
            for (int i = 0; i < 500 && !ProcFs.task(pid).map(ProcFs.Task::isZombie).orElse(false); i++) {
                Thread.sleep(10);
            }
            if (!ProcFs.task(pid).map(ProcFs.Task::isZombie).orElse(false)) {
                throw new IllegalStateException("pid " + pid + " did not become a zombie");
            }
        }

        @Override
        public void close() throws InterruptedException {
            parent.destroyForcibly().waitFor();
        }
    }
}
