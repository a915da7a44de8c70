package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command and subcommand answers `--help`, `-h` and `restracker help CMD [SUB]` with its
 * usage on stdout and status 0, whether it takes required arguments or not, including with the
 * lazy loading that gives a command line only the command it names.
 */
class HelpTest {
    private static final Path PIN_DIR = Path.of("/sys/fs/bpf/restracker-help-test-never-loaded");

    record Outcome(int status, String out, String err) {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = Main.commandLine(PIN_DIR, new CommandLine.RunLast(), args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new Outcome(status, out.toString(), err.toString());
    }

    /** Every command path in the model: ["cap"], ["tracer"], ["tracer", "add"], ... */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        collect(Main.commandLine(PIN_DIR, new CommandLine.RunLast()), new ArrayList<>(), all);
        assertTrue(all.size() >= 18, "the model has every command: " + all);
        return all.stream();
    }

    private static void collect(CommandLine c, List<String> path, List<List<String>> all) {
        c.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            all.add(p);
            collect(sub, p, all);
        });
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandAnswersHelp(List<String> path) {
        String usage = "Usage: restracker " + String.join(" ", path);
        for (String flag : List.of("--help", "-h")) {
            List<String> args = new ArrayList<>(path);
            args.add(flag);
            Outcome o = run(args.toArray(String[]::new));
            assertEquals(0, o.status(), args + ": " + o.err());
            assertTrue(o.out().startsWith(usage), args + ": " + o.out());
            assertEquals("", o.err(), args + " prints nothing on stderr");
        }
        List<String> args = new ArrayList<>(List.of("help"));
        args.addAll(path);
        Outcome o = run(args.toArray(String[]::new));
        assertEquals(0, o.status(), args + ": " + o.err());
        assertTrue(o.out().startsWith(usage), args + ": " + o.out());
    }

    @Test
    void helpAloneAndTheRootFlagsPrintTheWholeUsage() {
        for (String[] args : List.of(new String[] {"help"}, new String[] {"--help"}, new String[] {"-h"})) {
            Outcome o = run(args);
            assertEquals(0, o.status(), o.err());
            assertTrue(o.out().startsWith("Usage: restracker [-hV] [COMMAND]"), o.out());
            assertTrue(o.out().contains("Exit status:") && o.out().contains("RESTRACKER_PIN_DIR"), o.out());
        }
    }

    @Test
    void helpForAnUnknownCommandIsAUsageError() {
        Outcome o = run("help", "nope");
        assertEquals(Main.USAGE, o.status());
        assertEquals("", o.out());
        assertTrue(o.err().startsWith("restracker: unknown command 'nope'"), o.err());
        o = run("help", "tracer", "nope");
        assertEquals(Main.USAGE, o.status());
        assertTrue(o.err().startsWith("restracker: unknown command 'nope' of restracker tracer"), o.err());
    }
}
