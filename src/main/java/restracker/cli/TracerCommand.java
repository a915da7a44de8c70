package restracker.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import restracker.control.Operation;
import restracker.control.Request;
import restracker.json.Json;
import restracker.json.JsonViews;
import restracker.kernelops.Counter;
import restracker.kernelops.KernelOpsException;
import restracker.kernelops.KernelOpsSnapshot;
import restracker.kernelops.KernelTracer;
import restracker.sys.Errno;

/**
 * `restracker tracer add PID | remove PID | show [--json] | watch`: the tracer module's /dev/tracer ioctls
 * and /proc/tracer. The kernel side is loaded by the first `tracer add`; show and watch never load it.
 */
@Command(name = "tracer", description = "Count kmalloc/kfree calls and bytes, schedules, semaphore and mutex calls per process.",
        subcommands = {TracerCommand.Add.class, TracerCommand.Remove.class, TracerCommand.Show.class,
                TracerCommand.Watch.class})
final class TracerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: add, remove, show or watch");
    }

    @Command(name = "add", description = "Start tracing process PID (all its threads; kernel threads too).")
    static final class Add extends PidCommand {
        @Override
        public Request request() {
            return Request.of(Operation.TRACER_ADD, pid);
        }
    }

    @Command(name = "remove", description = "Stop tracing process PID.")
    static final class Remove extends PidCommand {
        @Override
        public Request request() {
            return Request.of(Operation.TRACER_REMOVE, pid);
        }
    }

    @Command(name = "show", description = "Print the table of traced processes (as /proc/tracer printed it).")
    static final class Show implements Runnable, ControlCommand {
        @Option(names = "--json", description = "Print JSON; counters this kernel cannot measure are null.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Request request() {
            return Request.of(Operation.TRACER_SHOW).with(Request.JSON, json);
        }

        @Override
        public void run() {
            Operations.runHere(this, spec);
        }
    }

    @Command(name = "watch", description = "Show the table again every second until interrupted.")
    static final class Watch implements Callable<Integer> {
        @Mixin
        Refresh refresh;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            return refresh.loop("tracer", () -> render(Main.pinDir(spec), false));
        }
    }

    /** Stops tracing pid at pinDir; never loads the tracer (not loaded: the answer a loaded one gives). */
    static String remove(Path pinDir, int pid) {
        Optional<KernelTracer> tracer = KernelTracer.openExisting(pinDir, Environment.lockHooks());
        if (tracer.isEmpty()) {
            if (pid < 1) throw new KernelOpsException(Errno.EINVAL, "cannot remove pid " + pid + ": a pid is a positive number");
            throw new KernelOpsException(Errno.ESRCH, "cannot remove pid " + pid + ": it is not traced");
        }
        try (KernelTracer t = tracer.get()) {
            t.remove(pid);
            return "stopped tracing process " + pid + "\n";
        }
    }

    /** One line for `restracker status`: whether the tracer is loaded, what it traces, how it counts locks. */
    static String statusLine(Path dir) {
        Optional<KernelTracer> tracer = KernelTracer.openExisting(dir, Environment.lockHooks());
        if (tracer.isEmpty()) return "tracer: not loaded (the first `restracker tracer add` loads it)";
        try (KernelTracer t = tracer.get()) {
            var lock = t.sources().get(Counter.LOCK);
            var up = t.sources().get(Counter.UP);
            String locks = lock.measured() || up.measured()
                    ? "up/down/lock/unlock through " + (lock.measured() ? lock : up).hook().label()
                    : "up/down/lock/unlock not measured here (" + lock.reason() + ")";
            return "tracer: loaded, " + t.snapshot().processes().size() + " traced; " + locks;
        }
    }

    /** The table (or JSON) of the tracer at pinDir; header only when it is not loaded. */
    static String render(Path pinDir, boolean json) {
        Optional<KernelTracer> tracer = KernelTracer.openExisting(pinDir, Environment.lockHooks());
        if (tracer.isEmpty()) {
            if (!json) return TracerTable.text(List.of());
            return Json.write(JsonViews.tracer(new KernelOpsSnapshot(List.of(), Map.of(), 0), false)) + "\n";
        }
        try (KernelTracer t = tracer.get()) {
            KernelOpsSnapshot s = t.snapshot();
            return json ? Json.write(JsonViews.tracer(s, true)) + "\n" : TracerTable.text(s.processes());
        }
    }
}
