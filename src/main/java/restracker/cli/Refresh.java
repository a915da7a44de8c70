package restracker.cli;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * -n/--interval and --count, and the loop that redraws a screen with them (`top`, `tracer watch`):
 * on a terminal the screen is cleared each time; piped, screens follow one another.
 */
final class Refresh {
    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = {"-n", "--interval"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds between refreshes (default ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N screens (default: never).")
    Integer count;

    int loop(String name, Supplier<String> screen) throws InterruptedException {
        if (!(interval > 0)) throw new IllegalArgumentException("the interval must be more than 0 seconds");
        boolean terminal = System.console() != null && System.console().isTerminal();
        for (int i = 0; count == null || i < count; i++) {
            if (i > 0) Thread.sleep((long) (interval * 1000));
            String body = screen.get();
            String title = "restracker " + name + ", every " + interval + " s: " + LocalTime.now().format(CLOCK)
                    + "   (Ctrl-C to stop)";
            System.out.print((terminal ? "\033[H\033[2J" : i > 0 ? "\n" : "") + title + "\n\n" + body);
            System.out.flush();
        }
        return 0;
    }
}
