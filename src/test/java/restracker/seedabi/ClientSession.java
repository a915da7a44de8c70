package restracker.seedabi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import restracker.testing.Child;

/**
 * The client of the original interface running under `restracker run RUNARGS -- client CLIENTARGS`
 * in a JVM of its own, asked one command at a time (see original-abi-client.c).
 */
final class ClientSession implements AutoCloseable {
    static final Duration ANSWER = Duration.ofSeconds(30);
    private final Child child;

    private ClientSession(Child child) {
        this.child = child;
    }

    /** As root, on pinDir. */
    static ClientSession start(Path pinDir, Path client, List<String> runArgs, String... clientArgs) {
        ProcessBuilder pb = new ProcessBuilder(rootCommand(runArguments(client, runArgs, clientArgs)));
        pb.environment().put("RESTRACKER_PIN_DIR", pinDir.toString());
        return start(pb);
    }

    /** restracker's main with args in a JVM of the test's class path. */
    static List<String> rootCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "restracker.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** `run RUNARGS -- client CLIENTARGS`: the arguments of restracker's main. */
    static String[] runArguments(Path client, List<String> runArgs, String... clientArgs) {
        List<String> a = new ArrayList<>(List.of("run"));
        a.addAll(runArgs);
        a.add("--");
        a.add(client.toString());
        a.addAll(List.of(clientArgs));
        return a.toArray(String[]::new);
    }

    /** pb runs restracker's main with {@link #runArguments}. */
    static ClientSession start(ProcessBuilder pb) {
        return new ClientSession(Child.start(pb, String.join(" ", pb.command())));
    }

    /** Sends one command; its answer line. */
    String ask(String command) {
        send(command);
        return child.nextLine(ANSWER);
    }

    void send(String command) {
        try {
            child.stdin().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            child.stdin().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client under run is gone" + child.printed(), e);
        }
    }

    /** The lines of a `cat PATH`, up to its "&lt;EOF n&gt;" line, joined with their ends of line. */
    String cat(String path) {
        return read("cat " + path);
    }

    /** As {@link #cat} for a command that prints a file the same way (`syscat PATH`, say). */
    String read(String command) {
        send(command);
        StringBuilder sb = new StringBuilder();
        for (;;) {
            String line = child.nextLine(ANSWER);
            if (line.startsWith("<EOF ")) return sb.toString();
            sb.append(line).append('\n');
        }
    }

    Child child() {
        return child;
    }

    /** Asks the client to exit; run's status and what was left unread. */
    Child.Output exit() {
        send("exit");
        return child.waitFor(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        child.close();
    }
}
