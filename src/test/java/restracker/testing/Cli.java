package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * `restracker ...` as operators run it: a new JVM per call, which exits, so that nothing of
 * restracker stays alive between calls and the kernel alone keeps the state.
 */
public final class Cli {
    public record Result(int status, String out, String err) {}

    private Cli() {}

    /** Runs the CLI with RESTRACKER_PIN_DIR=pinDir, feeding stdin, and waits for it. */
    public static Result run(Path pinDir, String stdin, String... args) throws IOException, InterruptedException {
        return run(pinDir, 60, stdin, args);
    }

    /** As {@link #run(Path, String, String...)}, killing the CLI (and failing) after seconds. */
    public static Result run(Path pinDir, int seconds, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "restracker.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("RESTRACKER_PIN_DIR", pinDir.toString());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        boolean finished = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!finished) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertTrue(finished, "restracker " + String.join(" ", args) + " finished within " + seconds + " s");
        try {
            return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot read the output of restracker " + String.join(" ", args), e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
