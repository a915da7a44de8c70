package restracker.kernelops;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import restracker.testing.Workload;

/**
 * Waits until a process is truly idle: every thread asleep and its context-switch counts unchanged
 * across a pause. The workload answers a command a moment before its thread blocks again, so a
 * window measured right after an answer could still see its last switch out.
 */
final class Quiet {
    private Quiet() {}

    static void await(Workload w) {
        long last = -1;
        for (int i = 0; i < 250; i++) {
            boolean asleep = w.tids().stream().allMatch(tid -> state(w.pid(), tid) == 'S');
            long switches = w.contextSwitches();
            if (asleep && switches == last) return;
            last = switches;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        fail("workload " + w.pid() + " did not go quiet");
    }

    private static char state(int pid, int tid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }
}
