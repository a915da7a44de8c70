package restracker.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * `restracker ...` as operators run it: a new JVM per call, which exits, so that nothing of
 * restracker stays alive between calls and the kernel alone keeps the state.
 */
public final class Cli {
    public record Result(int status, String out, String err) {}

    /** How long one call may take (a JVM's start included) before it is killed and the test fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Cli() {}

    /** Runs the CLI with RESTRACKER_PIN_DIR=pinDir, feeding stdin, and waits for it. */
    public static Result run(Path pinDir, String stdin, String... args) throws IOException, InterruptedException {
        return run(pinDir, (int) TIMEOUT.toSeconds(), stdin, args);
    }

    /** As {@link #run(Path, String, String...)}, killing the CLI (and failing) after seconds. */
    public static Result run(Path pinDir, int seconds, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "restracker.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("RESTRACKER_PIN_DIR", pinDir.toString());
        return result(Child.run(pb, "restracker " + String.join(" ", args), stdin, Duration.ofSeconds(seconds)));
    }

    static Result result(Child.Output o) {
        return new Result(o.status(), o.out(), o.err());
    }
}
