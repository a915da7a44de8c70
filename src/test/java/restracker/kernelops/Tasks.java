package restracker.kernelops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import restracker.proc.ProcFs;
import restracker.testing.Child;

/** Tasks the tests need besides the workload: a kernel thread woken on demand, a zombie, a pid nobody has. */
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

    /**
     * kcompactd0, the memory compaction thread of node 0, woken on demand: writing a non-zero value
     * to /proc/sys/vm/compaction_proactiveness wakes every node's kcompactd (mm/compaction.c, since
     * Linux 5.15), which checks the node's fragmentation and goes back to sleep: one voluntary
     * context switch per wake. The value written is the one already there, so nothing changes.
     * (It also wakes by itself every 500 ms while proactiveness is non-zero.)
     */
    static final class Kcompactd {
        private static final Path PROACTIVENESS = Path.of("/proc/sys/vm/compaction_proactiveness");
        final int pid;
        private final String proactiveness;

        private Kcompactd(int pid, String proactiveness) {
            this.pid = pid;
            this.proactiveness = proactiveness;
        }

        /** kcompactd0 if the kernel has one and a sysctl that can wake it; empty otherwise, with the reason. */
        static Kcompactd find() {
            String value;
            try {
                value = Files.readString(PROACTIVENESS).strip();
            } catch (IOException e) {
                throw new IllegalStateException("no " + PROACTIVENESS + " to wake kcompactd with (a kernel without CONFIG_COMPACTION?)", e);
            }
            if (value.equals("0")) {
                throw new IllegalStateException(PROACTIVENESS + " is 0: writing it would not wake kcompactd");
            }
            int pid = kernelThreads().stream().filter(k -> ProcFs.task(k).map(t -> t.comm().equals("kcompactd0")).orElse(false))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no kernel thread kcompactd0"));
            return new Kcompactd(pid, value);
        }

        /** Wakes it (it switches out once more when it has looked and goes back to sleep). */
        void wake() {
            try {
                Files.writeString(PROACTIVENESS, proactiveness);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /**
         * Wakes it until /proc counts at least n more switches than since, then until its count
         * stands still across 20 ms (asleep again, its last switch counted on both sides), by the
         * deadline.
         */
        long wakeUntil(long since, int n, java.time.Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (switches(pid) < since + n && System.nanoTime() < deadline) {
                wake();
                Thread.sleep(5);
            }
            long last = -1;
            for (long now = switches(pid); now != last && System.nanoTime() < deadline; now = switches(pid)) {
                last = now;
                Thread.sleep(20);
            }
            return switches(pid);
        }
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
        private final Child parent;
        final int pid;

        Zombie() throws IOException, InterruptedException {
            parent = Child.start(new ProcessBuilder("sh", "-c", "sleep 0.2 & echo $!; exec sleep 30"), "sh");
            pid = Integer.parseInt(parent.nextLine(java.time.Duration.ofSeconds(30)).strip());
            for (int i = 0; i < 500 && !ProcFs.task(pid).map(ProcFs.Task::isZombie).orElse(false); i++) {
                Thread.sleep(10);
            }
            if (!ProcFs.task(pid).map(ProcFs.Task::isZombie).orElse(false)) {
                parent.kill();
                throw new IllegalStateException("pid " + pid + " did not become a zombie");
            }
        }

        @Override
        public void close() {
            parent.kill();
        }
    }
}
