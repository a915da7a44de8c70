package restracker.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import restracker.control.ControlServer;
import restracker.kernel.PinnedState;
import restracker.kernelops.CounterSource;
import restracker.kernelops.KernelTracer;
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

    /**
     * The tracker's hook variants to try at a load, in order: $RESTRACKER_TRACKER_HOOKS, else fentry
     * then tracepoints. A variant asked for alone that the kernel refuses fails the load; it never
     * falls back.
     */
    public static List<TrackerHooks> trackerHooks() {
        return trackerHooksOf(System.getenv(TRACKER_HOOKS));
    }

    static List<TrackerHooks> trackerHooksOf(String value) {
        Map<String, List<TrackerHooks>> names = new LinkedHashMap<>();
        for (TrackerHooks h : TrackerHooks.values()) names.put(h.label(), List.of(h));
        return hooks(TRACKER_HOOKS, value, names, TrackerHooks.DEFAULT_PREFERENCE);
    }

    /** " (RESTRACKER_TRACKER_HOOKS=...)" when the variable is set, for messages; else empty. */
    static String trackerHooksAsked() {
        String v = System.getenv(TRACKER_HOOKS);
        return v == null ? "" : " (" + TRACKER_HOOKS + "=" + v + ")";
    }

    /** The tracer's lock-counter hooks to try, in order: $RESTRACKER_LOCK_HOOKS, else fentry then kprobes. */
    public static List<CounterSource.Hook> lockHooks() {
        return lockHooksOf(System.getenv(LOCK_HOOKS));
    }

    static List<CounterSource.Hook> lockHooksOf(String value) {
        Map<String, List<CounterSource.Hook>> names = new LinkedHashMap<>();
        names.put("fentry", List.of(CounterSource.Hook.FENTRY));
        names.put("kprobe", List.of(CounterSource.Hook.KPROBE));
        names.put("kprobes", List.of(CounterSource.Hook.KPROBE));
        names.put("none", List.of());
        return hooks(LOCK_HOOKS, value, names, KernelTracer.DEFAULT_LOCK_HOOKS);
    }

    /**
     * A hook-variant setting: the comma-separated names of variable's value (any case, blanks
     * around a name and empty names ignored), each once, in the order to try; unset or blank: the
     * default. A name that is not one of names, or a value that names nothing, is refused with the
     * valid names.
     */
    private static <T> List<T> hooks(String variable, String value, Map<String, List<T>> names, List<T> fallback) {
        if (value == null || value.isBlank()) return fallback;
        String valid = " (use " + String.join(", ", names.keySet()) + ", or several comma-separated in the order to try)";
        LinkedHashSet<T> chosen = new LinkedHashSet<>();
        boolean named = false;
        for (String name : value.split(",")) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) continue;
            List<T> hooks = names.get(n);
            if (hooks == null) throw new IllegalArgumentException(variable + ": unknown hooks '" + name.strip() + "'" + valid);
            chosen.addAll(hooks);
            named = true;
        }
        if (!named) throw new IllegalArgumentException(variable + "='" + value + "' names no hooks" + valid);
        return List.copyOf(chosen);
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
