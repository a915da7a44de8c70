package restracker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A user account made for a test (and removed after it), with what it needs to run restracker's CLI
 * and the workload as itself: copies of the classpath and the workload binary in a directory every
 * user can read, since the build's own may sit under root's home.
 */
public final class TestUser implements AutoCloseable {
    private final String name;
    private final Path home;
    private final String classpath;
    private final Path workload;

    private TestUser(String name, Path home, String classpath, Path workload) {
        this.name = name;
        this.home = home;
        this.classpath = classpath;
        this.workload = workload;
    }

    public static TestUser create() {
        String name = "rtt" + ProcessHandle.current().pid();
        run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name));
        try {
            Path home = Files.createTempDirectory("restracker-user-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            List<String> entries = new ArrayList<>();
            int i = 0;
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path from = Path.of(entry);
                if (!Files.exists(from)) continue;
                Path to = home.resolve("cp" + i++ + (Files.isDirectory(from) ? "" : ".jar"));
                copy(from, to);
                entries.add(to.toString());
            }
            Path workload = home.resolve("workload");
            Files.copy(Workload.binary(), workload);
            makeReadable(home);
            return new TestUser(name, home, String.join(java.io.File.pathSeparator, entries), workload);
        } catch (IOException e) {
            run(List.of("userdel", name));
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    /** The user's numeric id. */
    public int uid() {
        return Integer.parseInt(run(List.of("id", "-u", name)).strip());
    }

    /** The workload started as this user (setpriv execs it: same pid). */
    public Workload workload() {
        return Workload.start(List.of("setpriv", "--reuid=" + name, "--regid=" + name, "--clear-groups"), workload);
    }

    /** `restracker args...` run as this user, with env added; wrap (e.g. unshare ...) goes before the JVM. */
    public Cli.Result cli(Map<String, String> env, List<String> wrap, String... args) throws IOException, InterruptedException {
        return cli(Duration.ofSeconds(60), env, wrap, args);
    }

    /** As {@link #cli(Map, List, String...)}, failing (and killing it) when it takes longer than deadline. */
    public Cli.Result cli(Duration deadline, Map<String, String> env, List<String> wrap, String... args)
            throws IOException, InterruptedException {
        return java(deadline, env, wrap, "restracker.cli.Main", args);
    }

    /** A main class of the test's classpath run as this user (a helper that acts as an attacker, say). */
    public Cli.Result java(Duration deadline, Map<String, String> env, List<String> wrap, String mainClass, String... args) {
        return Cli.result(Child.run(command(env, wrap, mainClass, args), mainClass + " " + String.join(" ", args) + " as " + name,
                deadline));
    }

    /** Starts mainClass as this user; the caller drains and ends it. */
    public Process start(Map<String, String> env, List<String> wrap, String mainClass, String... args) throws IOException {
        return command(env, wrap, mainClass, args).start();
    }

    /** The command line that runs mainClass as this user (for a caller that starts it its own way). */
    public ProcessBuilder command(Map<String, String> env, List<String> wrap, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + name, "--regid=" + name, "--clear-groups", "env"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.add("HOME=" + home);
        cmd.addAll(wrap);
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:-UsePerfData",
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath, mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(home.toFile());
    }

    /** What a shell command run as this user printed, and how it exited. */
    public record Shell(int status, String out, String err) {}

    /** `sh -c script` run as this user, waited for up to 30 s (then killed: an AssertionError). */
    public Shell sh(String script) {
        Child.Output o = Child.run(setpriv(script), "`" + script + "` as " + name, Duration.ofSeconds(30));
        return new Shell(o.status(), o.out(), o.err());
    }

    /**
     * `sh -c script` started as this user and left running (its output discarded); the caller
     * destroys it, and {@link #close} kills whatever of the user's is left.
     */
    public Process background(String script) {
        try {
            return setpriv(script).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProcessBuilder setpriv(String script) {
        return new ProcessBuilder("setpriv", "--reuid=" + name, "--regid=" + name, "--clear-groups", "sh", "-c", script)
                .directory(home.toFile());
    }

    @Override
    public void close() {
        run(List.of("pkill", "-KILL", "-u", name)); // nothing of the test user's outlives the test
        run(List.of("userdel", name));
        TempTrees.delete(home);
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to);
            return;
        }
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(dest);
                else Files.copy(p, dest);
            }
        }
    }

    private static void makeReadable(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) || Files.isExecutable(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static String run(List<String> cmd) {
        return Child.run(new ProcessBuilder(cmd).redirectErrorStream(true), String.join(" ", cmd), Duration.ofSeconds(30)).out();
    }
}
