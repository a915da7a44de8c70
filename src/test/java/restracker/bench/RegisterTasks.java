package restracker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import restracker.tracker.ResourceTracker;

/**
 * Registers every task of the given processes with the tracker loaded at the pin directory: each
 * process's leader as a process entity, each of its other threads as a thread entity. What
 * bench/daemon fills its table of real tracked tasks with (the CLI would take a JVM per task).
 * Prints how many it registered. Not a test.
 * usage: RegisterTasks PIN_DIR PID...
 */
public final class RegisterTasks {
    private RegisterTasks() {}

    public static void main(String[] args) {
        if (args.length < 2) throw new IllegalArgumentException("usage: RegisterTasks PIN_DIR PID...");
        long registered = 0;
        try (ResourceTracker tracker = ResourceTracker.openExisting(Path.of(args[0]))
                .orElseThrow(() -> new IllegalStateException("no tracker loaded at " + args[0]))) {
            for (int i = 1; i < args.length; i++) {
                for (int tid : tasks(Integer.parseInt(args[i]))) {
                    tracker.register(tid);
                    registered++;
                }
            }
        }
        System.out.println(registered);
    }

    private static List<Integer> tasks(int pid) {
        try (Stream<Path> s = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            return s.map(p -> Integer.parseInt(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the tasks of pid " + pid, e);
        }
    }
}
