package restracker.cli;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher's training run of the AOT cache: several command lines in one JVM, so that the
 * cache holds what each of them loads and links, not only what the first does. The arguments are
 * the command lines, separated by "+" (`fetch 123 + --help + status`); each runs as `restracker`
 * would run it. Exits with the status of the first: the one the cache is made for.
 */
public final class Training {
    private Training() {}

    public static void main(String[] args) {
        // The standard output of a call in the C locale (scripts, cron, units that set no LANG) is
        // US-ASCII, which a training run in a UTF-8 locale never looks up, and that of a call in a
        // UTF-8 locale is UTF-8, whose encoder a training run in the C locale never makes: both
        // lookups and encoders are loaded here, so that the cache holds them whatever the
        // training's own locale.
        Charset.forName("ANSI_X3.4-1968").newEncoder();
        StandardCharsets.UTF_8.newEncoder();
        int first = -1;
        for (String[] line : lines(args)) {
            int status = Main.execute(line);
            if (first < 0) first = status;
        }
        System.exit(Math.max(first, 0));
    }

    static List<String[]> lines(String[] args) {
        List<String[]> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= args.length; i++) {
            if (i == args.length || args[i].equals("+")) {
                lines.add(Arrays.copyOfRange(args, from, i));
                from = i + 1;
            }
        }
        return lines;
    }
}
