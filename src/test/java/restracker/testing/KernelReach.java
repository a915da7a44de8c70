package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What this kernel lets BPF hook, found without restracker: a trivial fentry program of our own
 * loaded by bpftool, and the kernel's kprobe interfaces in sysfs and tracefs. Tests compare what
 * restracker says it measures (and how) with these facts.
 */
public final class KernelReach {
    private static final String FENTRY_PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            char LICENSE[] SEC("license") = "GPL";
            SEC("fentry/mutex_unlock")
            int probe(void *ctx) { return 0; }
            """;
    private static Boolean fentry;

    private KernelReach() {}

    /** Whether the kernel loads an empty fentry program on mutex_unlock (bpftool prog load, as root). */
    public static synchronized boolean fentryLoads() throws Exception {
        if (fentry != null) return fentry;
        Path dir = Files.createTempDirectory("restracker-fentry-probe-");
        Path source = dir.resolve("probe.bpf.c"), object = dir.resolve("probe.bpf.o");
        Path pin = Path.of("/sys/fs/bpf/restracker-test-fentry-probe-" + ProcessHandle.current().pid());
        try {
            Files.writeString(source, FENTRY_PROGRAM);
            Child.Output cc = Child.run(new ProcessBuilder("clang", "-O2", "-g", "-target", "bpf",
                    "-I/usr/include/x86_64-linux-gnu", "-c", source.toString(), "-o", object.toString())
                    .redirectErrorStream(true), "clang " + source, Duration.ofSeconds(60));
            assertEquals(0, cc.status(), cc.out());
            Child.Output load = Child.run(new ProcessBuilder("bpftool", "prog", "load", object.toString(), pin.toString())
                    .redirectErrorStream(true), "bpftool prog load " + object, Duration.ofSeconds(60));
            fentry = load.status() == 0;
            return fentry;
        } finally {
            Files.deleteIfExists(pin); // unpinning the only reference unloads it
            Files.deleteIfExists(object);
            Files.deleteIfExists(source);
            Files.deleteIfExists(dir);
        }
    }

    /** Whether kprobes can be attached: the kprobe PMU, or tracefs's kprobe_events. */
    public static boolean kprobesAttach() {
        return Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"))
                || Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"))
                || Files.exists(Path.of("/sys/kernel/debug/tracing/kprobe_events"));
    }

    /**
     * The hook the tracer's column (its header's name) should get: the lock columns (up, down, lock,
     * unlock: kernel functions without tracepoints) need fentry or kprobes, tried in that order by
     * default; the others come from tracepoints ("raw_tp"). "none" when it cannot be measured here.
     */
    public static String hookOf(String column) throws Exception {
        return java.util.Set.of("up", "down", "lock", "unlock").contains(column) ? lockHook() : "raw_tp";
    }

    /** The hook the tracer's lock counters should get with its default order (fentry, then kprobe), or "none". */
    public static String lockHook() throws Exception {
        return fentryLoads() ? "fentry" : kprobesAttach() ? "kprobe" : "none";
    }
}
