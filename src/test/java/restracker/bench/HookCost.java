package restracker.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import restracker.kernel.PinnedState;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerHooks;

/**
 * The cost of the tracker's syscall hooks, per variant, in one JVM (bench/hooks runs it on the
 * host, `RESTRACKER_VM_BENCH=... tests/vm/run` in the qemu guest, where a JVM start takes seconds).
 * Not a test: no assertion, only figures.
 *
 * <p>For each round, in an order that rotates from round to round: nothing loaded; then, for each
 * variant, the tracker loaded with it and this JVM tracked (the syscall hooks are attached only
 * while something is tracked: this keeps them attached, as they are whenever anything is) and the
 * loop run untracked, and then tracked (started waiting on stdin, registered as a process, then
 * let go). ns per iteration of
 * bench/syscall-loop.c's getppid, openclose and mmap loops; medians and ratios to nothing loaded
 * of the same run. Iterations are calibrated once, with nothing loaded, to about TARGET_MS a run.
 *
 * Within a round each configuration runs every loop REPEAT times (a load takes most of a minute
 * under emulation: more samples per load, fewer loads).
 *
 * <p>Given bench/floor.bpf.c compiled (FLOOR_OBJECT), each variant also has its floor in the rotation:
 * the minimal program on the attach points the variant's untracked case uses ({@link HookFloor}),
 * so that a variant's cost is read against what any program there costs, in the same run.
 *
 * <p>usage: HookCost LOOP_BINARY ROUNDS VARIANTS(tracepoint,fentry) TARGET_MS [REPEAT (3) [FLOOR_OBJECT]]
 */
public final class HookCost {
    private static final List<String> LOOPS = List.of("getppid", "openclose", "mmap");
    /** The configuration name of a variant's floor (HookFloor): this, then the variant's label. */
    private static final String FLOOR = "floor of ";

    private HookCost() {}

    public static void main(String[] args) throws Exception {
        String loop = args[0];
        int rounds = Integer.parseInt(args[1]);
        List<TrackerHooks> variants = new ArrayList<>();
        for (String v : args[2].split(",")) variants.add(TrackerHooks.of(v.strip()).orElseThrow());
        long targetMs = Long.parseLong(args[3]);
        int repeat = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        byte[] floorObject = args.length > 5 ? Files.readAllBytes(Path.of(args[5])) : null;
        Path dir = Path.of("/sys/fs/bpf/restracker-hookcost-" + ProcessHandle.current().pid());
        Path floorDir = Path.of("/sys/fs/bpf/restracker-hookfloor-" + ProcessHandle.current().pid());
        PinnedState.unload(dir);

        Map<String, Long> iterations = new LinkedHashMap<>();
        for (String l : LOOPS) {
            long n = 1000;
            for (;;) {
                double ns = run(loop, l, n, null);
                if (ns * n >= targetMs * 1e6 / 4 || n > 50_000_000) {
                    iterations.put(l, Math.max(1000, (long) (targetMs * 1e6 / ns)));
                    break;
                }
                n *= 4;
            }
        }
        System.err.println("iterations: " + iterations);

        List<String> configs = new ArrayList<>();
        configs.add("nothing");
        for (TrackerHooks v : variants) {
            configs.add(v.label());
            if (floorObject != null) configs.add(FLOOR + v.label());
        }
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        Map<String, List<Double>> loadMs = new LinkedHashMap<>();
        Map<String, List<Double>> unloadMs = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        try {
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < configs.size(); i++) {
                    String config = configs.get((i + r) % configs.size());
                    if (refused.containsKey(config)) continue;
                    if (config.equals("nothing")) {
                        for (int k = 0; k < repeat; k++) {
                            for (String l : LOOPS) add(samples, "nothing/" + l, run(loop, l, iterations.get(l), null));
                        }
                        continue;
                    }
                    if (config.startsWith(FLOOR)) {
                        String variant = config.substring(FLOOR.length());
                        try (HookFloor f = HookFloor.attach(variant, floorObject, floorDir)) {
                            for (int k = 0; k < repeat; k++) {
                                for (String l : LOOPS) add(samples, variant + " floor/" + l, run(loop, l, iterations.get(l), null));
                            }
                        } catch (RuntimeException e) {
                            refused.put(config, e.getMessage().lines().findFirst().orElse(""));
                            continue;
                        }
                        System.err.println("round " + (r + 1) + " " + config + " done");
                        continue;
                    }
                    TrackerHooks v = TrackerHooks.of(config).orElseThrow();
                    long t0 = System.nanoTime();
                    ResourceTracker t;
                    try {
                        t = ResourceTracker.open(dir, List.of(v));
                    } catch (RuntimeException e) {
                        refused.put(config, e.getMessage().lines().findFirst().orElse(""));
                        PinnedState.unload(dir);
                        continue;
                    }
                    add(loadMs, config, (System.nanoTime() - t0) / 1e6);
                    t.register((int) ProcessHandle.current().pid());
                    try (t) {
                        for (int k = 0; k < repeat; k++) {
                            for (String l : LOOPS) {
                                add(samples, config + " untracked/" + l, run(loop, l, iterations.get(l), null));
                                add(samples, config + " tracked/" + l, run(loop, l, iterations.get(l), t));
                            }
                        }
                    } finally {
                        long u0 = System.nanoTime();
                        PinnedState.unload(dir);
                        add(unloadMs, config, (System.nanoTime() - u0) / 1e6);
                    }
                    System.err.println("round " + (r + 1) + " " + config + " done");
                }
            }
        } finally {
            PinnedState.unload(dir);
        }

        StringBuilder head = new StringBuilder("| loop | nothing loaded |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        List<String> columns = new ArrayList<>();
        for (TrackerHooks v : variants) {
            if (refused.containsKey(v.label())) continue;
            List<String> kinds = floorObject != null && !refused.containsKey(FLOOR + v.label())
                    ? List.of(" floor", " untracked", " tracked") : List.of(" untracked", " tracked");
            for (String s : kinds) {
                columns.add(v.label() + s);
                head.append(" ").append(v.label()).append(s).append(" | ratio |");
                rule.append("---:|---:|");
            }
        }
        // Medians, and the fastest run of each cell: under emulation on a shared host the guest's
        // clock runs on while qemu waits for a CPU, so noise only ever adds time; the fastest run
        // is the least disturbed one.
        for (String stat : List.of("median", "fastest")) {
            System.out.println("ns per iteration, " + (stat.equals("median") ? "median of the runs" : "fastest run") + ":");
            System.out.println();
            System.out.println(head);
            System.out.println(rule);
            for (String l : LOOPS) {
                double base = stat(stat, samples.get("nothing/" + l));
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.0f |", l, base));
                for (String c : columns) {
                    double m = stat(stat, samples.get(c + "/" + l));
                    row.append(String.format(Locale.ROOT, " %.0f | %.2f× |", m, m / base));
                }
                System.out.println(row);
            }
            System.out.println();
            printAgainstFloors(stat, columns, samples);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Medians of %d runs (%d rounds × %d); iterations per run: %s.%n", rounds * repeat,
                rounds, repeat, iterations);
        loadMs.forEach((c, ms) -> System.out.printf(Locale.ROOT,
                "The %s variant: load, attach and pin %.0f ms, unload %.0f ms (medians).%n", c, median(ms),
                median(unloadMs.get(c))));
        refused.forEach((c, why) -> System.out.println("The " + c + (c.startsWith(FLOOR) ? "" : " variant")
                + " was refused here: " + why));
        System.out.println();
        System.out.println("All samples (ns/iteration):");
        samples.forEach((k, v) -> System.out.println("- " + k + ": " + v));
    }

    /** Each variant's untracked and tracked cells as ratios to its floor's cell, when it has one. */
    private static void printAgainstFloors(String stat, List<String> columns, Map<String, List<Double>> samples) {
        List<String> measured = columns.stream().filter(c -> !c.endsWith(" floor"))
                .filter(c -> columns.contains(variantOf(c) + " floor")).toList();
        if (measured.isEmpty()) return;
        System.out.println("against the floor of the same variant, " + (stat.equals("median") ? "medians" : "fastest runs") + ":");
        System.out.println();
        System.out.println("| loop |" + measured.stream().map(c -> " " + c + " / floor |").reduce("", String::concat));
        System.out.println("|---|" + "---:|".repeat(measured.size()));
        for (String l : LOOPS) {
            StringBuilder row = new StringBuilder("| " + l + " |");
            for (String c : measured) {
                double floor = stat(stat, samples.get(variantOf(c) + " floor/" + l));
                row.append(String.format(Locale.ROOT, " %.2f× |", stat(stat, samples.get(c + "/" + l)) / floor));
            }
            System.out.println(row);
        }
        System.out.println();
    }

    /** The variant of a column ("fentry untracked": "fentry"). */
    private static String variantOf(String column) {
        return column.substring(0, column.indexOf(' '));
    }

    /** ns per iteration of one run of the loop; tracked: registered before the clock starts. */
    private static double run(String loop, String kind, long n, ResourceTracker tracker) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(loop, kind, Long.toString(n));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        if (tracker != null) pb.environment().put("SYSCALL_LOOP_WAIT", "1");
        Process p = pb.start();
        if (tracker != null) {
            tracker.register((int) p.pid());
            try (OutputStream in = p.getOutputStream()) {
                in.write('x');
            }
        } else {
            p.getOutputStream().close();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (p.waitFor() != 0) throw new IOException(loop + " " + kind + " failed with status " + p.exitValue());
        return Double.parseDouble(out);
    }

    private static void add(Map<String, List<Double>> m, String key, double v) {
        m.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
    }

    private static double stat(String which, List<Double> xs) {
        return which.equals("median") ? median(xs) : xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
