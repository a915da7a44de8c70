package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import restracker.kernelops.KernelTracer;
import restracker.testing.Child;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.EntityStats;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * Random and malformed `restracker` command lines against a real tracked process: the exit status
 * is 0, 2 (usage) or a documented errno; an error is one sentence on stderr naming its errno (a
 * usage error may add the "Try ... --help" hint); and the tracked state (who is tracked, with which
 * quotas, the kill log, the tracer's table) is unchanged unless the command line was valid (status
 * 0), after which the fixture is put back. Commands that would run on (daemon, top, run, tracer
 * watch, unload, doctor) are only generated with an unknown option, which must stop them at parsing.
 */
class CliFuzzTest {
    private static final Set<Integer> DOCUMENTED = Set.of(1, 2, 3, 13, 22, 23, 28, 95);
    private static final Set<String> COMMANDS = Set.of("register", "fetch", "deregister", "cap", "reset", "events",
            "status", "tracer");
    private static final Set<String> HELP = Set.of("-h", "--help", "-V", "--version");
    private static final Quota QUOTA = new Quota(1L << 30, 100);
    private static ResourceTracker tracker;
    private static Workload tracked, spare;
    /** How long one command line may take in the driver before the test fails. */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);
    private static Child driver;
    private static PrintWriter toDriver;

    @BeforeContainer
    static void start() throws IOException {
        tracker = TestKernel.tracker(CliFuzzTest.class);
        tracked = Workload.start();
        spare = Workload.start();
        restoreFixture();
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                InProcessCli.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("RESTRACKER_PIN_DIR", TestKernel.pinDir(CliFuzzTest.class).toString());
        driver = Child.start(pb, "the CLI driver JVM");
        toDriver = new PrintWriter(new OutputStreamWriter(driver.stdin(), StandardCharsets.US_ASCII), true);
    }

    @AfterContainer
    static void stop() throws InterruptedException {
        if (driver != null) {
            toDriver.close();
            driver.waitFor(Duration.ofSeconds(30));
        }
        if (tracked != null) tracked.close();
        if (spare != null) spare.close();
        TestKernel.unload(CliFuzzTest.class, tracker);
    }

    record Outcome(int status, String out, String err) {}

    /** One command line through the in-process CLI of the driver JVM. */
    private static Outcome run(List<String> args) throws IOException {
        Base64.Encoder b64 = Base64.getEncoder();
        toDriver.println(args.isEmpty() ? "-" : args.stream()
                .map(a -> b64.encodeToString(a.getBytes(StandardCharsets.UTF_8))).collect(Collectors.joining(" ")));
        String reply;
        try {
            reply = driver.nextLine(REPLY_TIMEOUT);
        } catch (AssertionError e) {
            throw new AssertionError("on " + args + ": " + e.getMessage(), e);
        }
        String[] p = reply.split(" ", -1);
        Base64.Decoder d = Base64.getDecoder();
        if (p[0].equals("crash")) {
            throw new AssertionError("restracker " + args + " threw instead of exiting:\n"
                    + new String(d.decode(p[1]), StandardCharsets.UTF_8));
        }
        return new Outcome(Integer.parseInt(p[0]), new String(d.decode(p[1]), StandardCharsets.UTF_8),
                new String(d.decode(p[2]), StandardCharsets.UTF_8));
    }

    /** What must not change: the tracked entities with their quotas, the kill log, the traced pids. */
    private static String state() {
        String entities = tracker.list().stream().map(e -> e.pid() + "/" + e.scope() + "/" + e.quota())
                .collect(Collectors.joining(","));
        String traced = KernelTracer.openExisting(TestKernel.pinDir(CliFuzzTest.class))
                .map(t -> {
                    try (t) {
                        return t.snapshot().processes().stream().map(p -> Integer.toString(p.pid()))
                                .collect(Collectors.joining(","));
                    }
                }).orElse("");
        return entities + " | kills " + tracker.events().total() + " | traced " + traced;
    }

    /** Only the tracked workload, registered and capped; nothing traced. */
    private static void restoreFixture() {
        for (EntityStats e : tracker.list()) tracker.deregister(e.pid());
        tracker.register(tracked.pid());
        tracker.cap(tracked.pid(), QUOTA, false);
        KernelTracer.openExisting(TestKernel.pinDir(CliFuzzTest.class)).ifPresent(t -> {
            try (t) {
                t.snapshot().processes().forEach(p -> t.remove(p.pid()));
            }
        });
    }

    @Property(tries = 500)
    void anyCommandLineEndsWithADocumentedStatusAndChangesNothingUnlessValid(@ForAll("commandLines") List<String> args)
            throws IOException {
        String before = state();
        Outcome o = run(args);
        Statistics.collect(o.status() == 0 ? "status 0" : "status " + o.status());
        assertTrue(tracked.alive(), "the tracked process lives after " + args);
        if (o.status() == 0 && args.stream().anyMatch(HELP::contains)) {
            // picocli answers a help or version option anywhere with the usage (as most tools do): nothing runs
            assertEquals(before, state(), "help changed nothing: " + args);
            return;
        }
        if (o.status() == 0) {
            assertTrue(!args.isEmpty() && COMMANDS.contains(args.getFirst()), "status 0 for " + args + ": " + o);
            restoreFixture();
            return;
        }
        assertTrue(DOCUMENTED.contains(o.status()), "undocumented status " + o.status() + " for " + args + ": " + o.err());
        assertEquals(before, state(), "a failed command changed nothing: " + args + " -> " + o);
        List<String> lines = o.err().lines().toList();
        assertFalse(lines.isEmpty(), "an error says why: " + args);
        assertTrue(lines.getFirst().startsWith("restracker: "), o.err());
        assertFalse(o.err().contains("\tat ") || o.err().contains("Exception"), "no stack trace: " + o.err());
        assertFalse(o.err().chars().anyMatch(c -> c != '\n' && Character.isISOControl(c)),
                "no control characters from the arguments reach the terminal: " + o.err());
        if (o.status() == 2) {
            assertTrue(lines.size() == 1 || lines.size() == 2 && lines.get(1).startsWith("Try 'restracker"), o.err());
        } else {
            assertEquals(1, lines.size(), o.err());
            assertTrue(lines.getFirst().endsWith("(" + o.status() + ")]"), "names errno " + o.status() + ": " + o.err());
        }
    }

    @Provide
    Arbitrary<List<String>> commandLines() {
        Arbitrary<String> safeCommand = Arbitraries.of("register", "fetch", "deregister", "cap", "reset", "events",
                "status", "-h", "--version", "regster", "", "--bogus", "FETCH");
        Arbitrary<List<String>> tracer = Arbitraries.of("add", "remove", "show", "shw", "").map(s -> List.of("tracer", s));
        // These would keep running if valid: an unknown option right after the name must stop them.
        Arbitrary<List<String>> poisoned = Arbitraries.of("daemon", "top", "run", "unload", "doctor", "tracer watch")
                .map(c -> List.of((c + " --no-such-option").split(" ")));
        Arbitrary<List<String>> head = Arbitraries.frequencyOf(
                Tuple.of(6, safeCommand.map(List::of)), Tuple.of(2, tracer),
                Tuple.of(1, poisoned));
        Arbitrary<List<String>> plain = Combinators.combine(
                Arbitraries.of("register", "fetch", "fetch --json", "deregister", "reset", "tracer add", "tracer remove"),
                pids()).as((c, pid) -> {
                    List<String> all = new ArrayList<>(List.of(c.split(" ")));
                    all.add(pid);
                    return all;
                });
        Arbitrary<List<String>> cap = Combinators.combine(pids(), Arbitraries.of("--heap", "--files").list().ofMaxSize(2),
                sizes().list().ofMinSize(2).ofMaxSize(2), Arbitraries.of("", "--replace")).as((pid, opts, values, flag) -> {
                    List<String> all = new ArrayList<>(List.of("cap", pid));
                    for (int i = 0; i < opts.size(); i++) {
                        all.add(opts.get(i));
                        all.add(values.get(i));
                    }
                    if (!flag.isEmpty()) all.add(flag);
                    return all;
                });
        Arbitrary<List<String>> random = Combinators.combine(head, token().list().ofMaxSize(5)).as((h, rest) -> {
            List<String> all = new ArrayList<>(h);
            if (all.getFirst().isEmpty()) all.removeFirst();
            if (all.size() > 1 && all.get(1).isEmpty()) all.remove(1);
            all.addAll(rest);
            return all;
        });
        // Mostly nearly well-formed (reaching the tracker's own checks), the rest anything.
        return Arbitraries.frequencyOf(Tuple.of(2, plain), Tuple.of(2, cap),
                Tuple.of(2, random));
    }

    private Arbitrary<String> pids() {
        return Arbitraries.of(Integer.toString(tracked.pid()), Integer.toString(spare.pid()), "0",
                "-1", "1", "2", "2147483647", "2147483648", "-2147483649", "4194305", "99999999999999999999", "abc",
                " " + tracked.pid(), tracked.pid() + " ", "+" + tracked.pid(), "0x10", "1e3", "٣", "",
                tracked.pid() + "\n", "1\n2", "\u001b[2J");
    }

    private static Arbitrary<String> sizes() {
        return Arbitraries.of("0", "-1", "-1", "1", "40M", "40M", "1T", "4096B", "9999999999T", "12Q", "1.5G",
                "9223372036854775807", "9223372036854775808B", "K", "-1M");
    }

    private Arbitrary<String> token() {
        Arbitrary<String> pids = pids();
        Arbitrary<String> options = Arbitraries.of("--heap", "--files", "--replace", "--json", "--", "-h", "--bogus",
                "-n", "--count", "--heap=", "--files=-1", "--heap=12Q", "--listen", "-");
        Arbitrary<String> sizes = sizes();
        // control characters too: an error must stay one line whatever the argument holds
        Arbitrary<String> garbage = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(12),
                Arbitraries.strings().withChars("1a-\n\r\t\u001b\u0085\u2028 ").ofMaxLength(6))
                .filter(s -> !s.startsWith("@")); // picocli reads @FILE as arguments: not garbage
        return Arbitraries.frequencyOf(Tuple.of(4, pids), Tuple.of(4, options),
                Tuple.of(3, sizes), Tuple.of(2, garbage));
    }
}
