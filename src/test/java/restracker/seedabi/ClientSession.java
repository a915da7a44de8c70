package restracker.seedabi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        return start(List.of(), Map.of("RESTRACKER_PIN_DIR", pinDir.toString()),
                List.of(ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                        "-cp", System.getProperty("java.class.path")), client, runArgs, clientArgs);
    }

    /** prefix (setpriv ... env ...) before the JVM command jvm, env added. */
    static ClientSession start(List<String> prefix, Map<String, String> env, List<String> jvm, Path client,
            List<String> runArgs, String... clientArgs) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(jvm);
        cmd.addAll(List.of("restracker.cli.Main", "run"));
        cmd.addAll(runArgs);
        cmd.add("--");
        cmd.add(client.toString());
        cmd.addAll(List.of(clientArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return new ClientSession(Child.start(pb, "restracker run " + String.join(" ", runArgs) + " -- client"));
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
        send("cat " + path);
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
