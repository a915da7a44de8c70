package restracker.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import restracker.control.ControlServer;
import restracker.kernel.PinnedState;
import restracker.tracer.CounterSource;
import restracker.tracer.KernelTracer;
import restracker.tracker.TrackerHooks;

/**
 * restracker's settings from the environment, read here and nowhere else: the CLI and the daemon
 * are the edges, and they pass what they read to the library, which reads no variable of its own
 * (its defaults are the same values unset). A value that cannot be used is an
 * IllegalArgumentException whose message is the sentence for a usage error.
 */
public final class Environment {
    public static final String PIN_DIR = "RESTRACKER_PIN_DIR";
    public static final String TRACKER_HOOKS = "RESTRACKER_TRACKER_HOOKS";
    public static final String LOCK_HOOKS = "RESTRACKER_LOCK_HOOKS";
    public static final String CONTROL_SOCKET = "RESTRACKER_CONTROL_SOCKET";
    public static final String DEBUG = "RESTRACKER_DEBUG";

    private Environment() {}

    /**
     * The pin directory: $RESTRACKER_PIN_DIR, else (unset) the default. Set but empty, or relative
     * (it would depend on the working directory), it is refused.
     */
    public static Path pinDir() {
        return pinDirOf(System.getenv(PIN_DIR));
    }

    static Path pinDirOf(String value) {
        if (value == null) return PinnedState.DEFAULT_DIR;
        if (value.isBlank()) {
            throw new IllegalArgumentException(PIN_DIR + " is set but empty: unset it for the default pin directory "
                    + PinnedState.DEFAULT_DIR + ", or set it to an absolute path");
        }
        Path p;
        try {
            p = Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(PIN_DIR + "=" + value + " is not a path: " + e.getReason());
        }
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException(PIN_DIR + "=" + value + " is not an absolute path: set it to one such as "
                    + PinnedState.DEFAULT_DIR);
        }
        return p.normalize();
    }

    /** The tracker's hook variants to try at a load, in order: $RESTRACKER_TRACKER_HOOKS, else fentry then tracepoints. */
    public static List<TrackerHooks> trackerHooks() {
        return TrackerHooks.parse(System.getenv(TRACKER_HOOKS));
    }

    /** " (RESTRACKER_TRACKER_HOOKS=...)" when the variable is set, for messages; else empty. */
    static String trackerHooksAsked() {
        String v = System.getenv(TRACKER_HOOKS);
        return v == null ? "" : " (" + TRACKER_HOOKS + "=" + v + ")";
    }

    /** The tracer's lock-counter hooks to try, in order: $RESTRACKER_LOCK_HOOKS, else fentry then kprobes. */
    public static List<CounterSource.Hook> lockHooks() {
        return KernelTracer.parseLockHooks(System.getenv(LOCK_HOOKS));
    }

    /** The daemon's control socket: $RESTRACKER_CONTROL_SOCKET, else the default. */
    public static Path controlSocket() {
        String v = System.getenv(CONTROL_SOCKET);
        return v == null || v.isBlank() ? ControlServer.DEFAULT_PATH : Path.of(v);
    }

    /** Whether libbpf's log is echoed to stderr ($RESTRACKER_DEBUG set). */
    public static boolean debug() {
        return System.getenv(DEBUG) != null;
    }
}
