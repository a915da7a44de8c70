package restracker.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import restracker.kernel.PinnedState;
import restracker.tracker.EntityStats;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * The Java API's cost per operation on a real process and the real kernel (bench/api runs it):
 * the original system calls' whole cycle, register + cap + fetch + deregister, and fetch alone. Sample time, so
 * the report has the median (p0.50) besides the mean. A benchmark, not a test: nothing asserts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ApiBenchmark {
    private static final Quota QUOTA = new Quota(1L << 30, 1000);

    private Path pinDir;
    private ResourceTracker tracker;
    private Process cycled;
    private Process fetched;

    @Setup(Level.Trial)
    public void load() throws IOException {
        pinDir = Path.of("/sys/fs/bpf/restracker-jmh-" + ProcessHandle.current().pid());
        PinnedState.unload(pinDir);
        tracker = ResourceTracker.open(pinDir);
        cycled = new ProcessBuilder("sleep", "100000").start();
        fetched = new ProcessBuilder("sleep", "100000").start();
        tracker.register((int) fetched.pid());
        tracker.cap((int) fetched.pid(), QUOTA, false);
    }

    @TearDown(Level.Trial)
    public void unload() {
        cycled.destroyForcibly();
        fetched.destroyForcibly();
        tracker.close();
        PinnedState.unload(pinDir);
    }

    /** register + cap + fetch + deregister: the five operations but reset, in one go. */
    @Benchmark
    public EntityStats cycle() {
        int pid = (int) cycled.pid();
        tracker.register(pid);
        tracker.cap(pid, QUOTA, false);
        EntityStats s = tracker.fetch(pid);
        tracker.deregister(pid);
        return s;
    }

    @Benchmark
    public EntityStats fetch() {
        return tracker.fetch((int) fetched.pid());
    }
}
