package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.kernelops.CounterSource;
import restracker.tracker.TrackerHooks;

/** The environment is read at the edge, in one class; the library takes its settings as arguments. */
class EnvironmentTest {
    @Test
    void noOtherMainClassReadsTheEnvironment() throws IOException {
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            List<String> readers = sources.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.endsWith(Path.of("restracker/cli/Environment.java")))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("System.getenv(");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).map(Path::toString).sorted().toList();
            assertEquals(List.of(), readers, "read the environment in restracker.cli.Environment and pass the value down");
        }
    }

    @Test
    void thePinDirectoryVariable() {
        assertEquals(PinnedState.DEFAULT_DIR, Environment.pinDirOf(null));
        assertEquals(Path.of("/sys/fs/bpf/mine"), Environment.pinDirOf("/sys/fs/bpf/x/../mine"));
        assertEquals("RESTRACKER_PIN_DIR is set but empty: unset it for the default pin directory /sys/fs/bpf/restracker,"
                + " or set it to an absolute path", assertThrows(IllegalArgumentException.class, () -> Environment.pinDirOf(" ")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Environment.pinDirOf("relative/dir"));
    }

    /** Both hook settings follow one rule: unset or blank is the default, an unknown name is refused with the valid ones. */
    @Test
    void theTrackerHooksVariable() {
        assertEquals(List.of(TrackerHooks.FENTRY, TrackerHooks.TRACEPOINT), Environment.trackerHooksOf(null));
        assertEquals(List.of(TrackerHooks.FENTRY, TrackerHooks.TRACEPOINT), Environment.trackerHooksOf(" "));
        assertEquals(List.of(TrackerHooks.TRACEPOINT), Environment.trackerHooksOf(" Tracepoint "));
        assertEquals(List.of(TrackerHooks.TRACEPOINT, TrackerHooks.FENTRY), Environment.trackerHooksOf("tracepoint,fentry,tracepoint,"));
        assertEquals("RESTRACKER_TRACKER_HOOKS: unknown hooks 'kprobe' (use fentry, tracepoint, or several comma-separated"
                + " in the order to try)", assertThrows(IllegalArgumentException.class, () -> Environment.trackerHooksOf("fentry, kprobe")).getMessage());
        assertEquals("RESTRACKER_TRACKER_HOOKS=',' names no hooks (use fentry, tracepoint, or several comma-separated in the"
                + " order to try)", assertThrows(IllegalArgumentException.class, () -> Environment.trackerHooksOf(",")).getMessage());
    }

    @Test
    void theLockHooksVariable() {
        assertEquals(List.of(CounterSource.Hook.FENTRY, CounterSource.Hook.KPROBE), Environment.lockHooksOf(null));
        assertEquals(List.of(CounterSource.Hook.FENTRY, CounterSource.Hook.KPROBE), Environment.lockHooksOf(""));
        assertEquals(List.of(CounterSource.Hook.KPROBE), Environment.lockHooksOf("kprobe"));
        assertEquals(List.of(CounterSource.Hook.KPROBE, CounterSource.Hook.FENTRY), Environment.lockHooksOf(" KPROBES , fentry"));
        assertEquals(List.of(), Environment.lockHooksOf("none"));
        assertEquals("RESTRACKER_LOCK_HOOKS: unknown hooks 'tracepoint' (use fentry, kprobe, kprobes, none, or several"
                + " comma-separated in the order to try)", assertThrows(IllegalArgumentException.class, () -> Environment.lockHooksOf("tracepoint")).getMessage());
        assertEquals("RESTRACKER_LOCK_HOOKS=' , ' names no hooks (use fentry, kprobe, kprobes, none, or several comma-separated"
                + " in the order to try)", assertThrows(IllegalArgumentException.class, () -> Environment.lockHooksOf(" , ")).getMessage());
    }
}
