package restracker.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import restracker.control.Request;
import restracker.kernelops.KernelOpsException;
import restracker.kernelops.KernelTracer;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.tracker.Actor;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;
import restracker.tracker.Scope;
import restracker.tracker.Sizes;
import restracker.tracker.TrackerException;

/**
 * The operations a {@link ControlCommand} stands for, performed from a typed {@link Request}: the
 * one place that calls the tracker or the tracer for them and renders the answer. root's command
 * runs it in place ({@link #runHere}); the daemon runs it for a control request
 * ({@link ControlHandler}); so both print the same, byte for byte, and fail the same way.
 */
final class Operations {
    private Operations() {}

    /** Performs the request of command in this process (root's CLI) and prints the answer. */
    static void runHere(ControlCommand command, CommandLine.Model.CommandSpec spec) {
        spec.commandLine().getOut().print(perform(command.request(), Main.pinDir(spec), new Actor(Libc.geteuid()), true));
    }

    /**
     * Performs r on the state at pinDir on behalf of by and returns what it prints on stdout; a
     * failure is thrown (a NativeException with its errno). Only with mayLoad may a change load the
     * kernel side that is not loaded (root's commands do); reads never load anything.
     */
    static String perform(Request r, Path pinDir, Actor by, boolean mayLoad) {
        int pid = r.pid();
        boolean json = r.has(Request.JSON);
        return switch (r.operation()) {
            case REGISTER -> {
                try (ResourceTracker t = tracker(pinDir, mayLoad)) {
                    Scope scope = t.register(pid, r.has(Request.FROM_EXEC), r.has(Request.WITH_CHILDREN), by);
                    yield "registered " + scope.label() + " " + pid + "\n";
                }
            }
            case FETCH -> {
                // root's fetch loads as it always did; another user's read never does.
                Optional<ResourceTracker> tracker = mayLoad ? Optional.of(ResourceTracker.open(pinDir, Environment.trackerHooks()))
                        : ResourceTracker.openExisting(pinDir);
                if (tracker.isEmpty()) throw new TrackerException(Errno.EINVAL, "cannot fetch pid " + pid + ": it is not tracked");
                try (ResourceTracker t = tracker.get()) {
                    yield FetchCommand.render(t.fetch(pid), json);
                }
            }
            case DEREGISTER -> {
                try (ResourceTracker t = tracker(pinDir, mayLoad)) {
                    t.deregister(pid, by);
                    yield "deregistered " + pid + "\n";
                }
            }
            case CAP -> {
                try (ResourceTracker t = tracker(pinDir, mayLoad)) {
                    Quota q = r.quota();
                    t.cap(pid, q, r.has(Request.REPLACE), by);
                    yield "quotas of " + pid + ": heap " + Sizes.format(q.heapBytes()) + ", files "
                            + (q.filesLimited() ? q.files() : "unlimited") + "\n";
                }
            }
            case RESET -> {
                try (ResourceTracker t = tracker(pinDir, mayLoad)) {
                    t.reset(pid, by);
                    yield "quotas of " + pid + " lifted\n";
                }
            }
            case EVENTS -> EventsCommand.render(pinDir, null, json);
            case EVENTS_OF -> EventsCommand.render(pinDir, pid, json);
            case STATUS -> StatusCommand.render(pinDir);
            case TRACER_ADD -> {
                try (KernelTracer t = tracer(pinDir, mayLoad)) {
                    t.add(pid);
                    yield "tracing process " + pid + "\n";
                }
            }
            case TRACER_REMOVE -> TracerCommand.remove(pinDir, pid);
            case TRACER_SHOW -> TracerCommand.render(pinDir, json);
        };
    }

    /** The tracker, loaded if need be only when mayLoad; else ENODEV when it is not loaded. */
    private static ResourceTracker tracker(Path pinDir, boolean mayLoad) {
        if (mayLoad) return ResourceTracker.open(pinDir, Environment.trackerHooks());
        return ResourceTracker.openExisting(pinDir).orElseThrow(() -> new TrackerException(Errno.ENODEV,
                "restracker is not loaded: ask root to load it (root's `restracker register` or `restracker run`"
                        + " loads it, and so does starting `restracker daemon`)"));
    }

    private static KernelTracer tracer(Path pinDir, boolean mayLoad) {
        if (mayLoad) return KernelTracer.open(pinDir, Environment.lockHooks());
        return KernelTracer.openExisting(pinDir, Environment.lockHooks()).orElseThrow(() -> new KernelOpsException(Errno.ENODEV,
                "the tracer is not loaded: ask root to load it (root's first `restracker tracer add` loads it)"));
    }
}
