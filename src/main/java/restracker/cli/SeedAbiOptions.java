package restracker.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import restracker.seedabi.Launcher;
import restracker.seedabi.Mode;
import restracker.seedabi.SeedAbi;
import restracker.seedabi.Supervisor;
import restracker.sys.Errno;
import restracker.tracker.TrackerException;

/**
 * `run --seed-abi`: the launcher that starts the program under the seccomp filter, and the
 * supervisor that answers it, for as long as `run` runs. Null from {@link #open} without the option.
 */
final class SeedAbiOptions implements AutoCloseable {
    private final SeedAbi abi;
    private final Launcher launcher;
    private final Path pinDir;
    private Supervisor supervisor;

    private SeedAbiOptions(SeedAbi abi, Launcher launcher, Path pinDir) {
        this.abi = abi;
        this.launcher = launcher;
        this.pinDir = pinDir;
    }

    static SeedAbiOptions open(Mode mode, int base, Path pinDir) {
        if (mode == null) return null;
        SeedAbi abi = new SeedAbi(base, mode);
        Launcher launcher = Launcher.extract();
        var refusal = Supervisor.refusal(launcher, abi);
        if (refusal.isPresent()) {
            launcher.close();
            throw new TrackerException(Errno.EINVAL, "--seed-abi-base " + base + ": " + refusal.get());
        }
        return new SeedAbiOptions(abi, launcher, pinDir);
    }

    List<String> command(List<String> command) {
        return launcher.command(abi, command);
    }

    /** Starts answering the launcher pid's calls (it is stopped; the caller continues it). */
    void supervise(int pid) {
        launcher.close(); // it runs (stopped): its copy on disk is no longer needed
        supervisor = Supervisor.attach(pid, abi, SeedAbiBackend.of(pinDir));
    }

    @Override
    public void close() {
        if (supervisor != null) supervisor.close();
        launcher.close();
    }

    static final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            try {
                return Mode.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("--seed-abi takes `full` or `syscalls`, not '" + value + "'");
            }
        }
    }
}
