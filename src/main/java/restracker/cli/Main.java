package restracker.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import restracker.bpf.BpfObject;
import restracker.control.ControlClient;
import restracker.kernel.PinnedState;
import restracker.text.Untrusted;

/**
 * The `restracker` command. Each subcommand is one call into the Java API, like a system call:
 * it opens the pinned state, does its work and exits with 0, the errno of the failure, or 2 for a
 * usage error. Errors are one sentence on stderr. Run by a user other than root (or inside a pid
 * namespace), the commands that {@link ControlCommand} marks go through the daemon's control socket
 * instead (see {@link Forwarding}).
 */
public final class Main implements Runnable {
    static final int USAGE = 2;

    static {
        // picocli's default factory looks for Groovy's Closure class when it is first used, unless
        // told not to: a class the AOT cache does not hold, so the class path is searched for it,
        // and opening the jar (its ~3,300 entries' central directory, read by interpreted code) took
        // a CLI call ~14 ms. restracker has no Groovy scripts.
        if (System.getProperty("picocli.disable.closures") == null) System.setProperty("picocli.disable.closures", "true");
        // Nor does any option take a java.time or java.sql type, whose converters picocli registers
        // by Class.forName, which initialises those classes: java.time's formatters took ~8 ms.
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", "java\\.(time|sql)\\..*");
        }
    }

    /**
     * The subcommands, in the order help lists them: an annotated command or the model of one
     * (see {@link Models}). picocli reads an annotated one by reflection when it is added, a cost
     * every call would pay for all of them: a command line that names one gets only that one (help
     * and unknown names get all, and `help`).
     */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("register", RegisterCommand::model);
        m.put("fetch", FetchCommand::model);
        m.put("deregister", DeregisterCommand::model);
        m.put("cap", CapCommand::new);
        m.put("reset", ResetCommand::model);
        m.put("run", RunCommand::new);
        m.put("events", EventsCommand::new);
        m.put("policy", PolicyCommand::new);
        m.put("tracer", TracerCommand::new);
        m.put("status", StatusCommand::new);
        m.put("unload", UnloadCommand::new);
        m.put("doctor", DoctorCommand::new);
        m.put("daemon", DaemonCommand::new);
        m.put("top", TopCommand::new);
        m.put("completion", CompletionCommand::new);
        return m;
    }

    /** Where the kernel-resident state is pinned (the daemon passes its own to the requests it runs). */
    private final Path pinDir;

    /** This command's model (see {@link #model}). */
    private CommandSpec spec;

    Main(Path pinDir) {
        this.pinDir = pinDir;
    }

    /**
     * The root command's model, built with picocli's programmatic API rather than read by
     * reflection from annotations (see {@link Models}).
     */
    private static CommandSpec model(Path pinDir) {
        Main main = new Main(pinDir);
        CommandSpec spec = Models.command(main, "restracker",
                "Per-process heap and open-file tracking with quotas enforced in the kernel.");
        spec.versionProvider(new Version());
        spec.usageMessage()
                .exitCodeListHeading("%nExit status:%n")
                .exitCodeList(UsageMessageSpec.keyValuesMap(
                        "0:success",
                        "1:EPERM: not allowed (e.g. a quota on init, another user's process)",
                        "2:usage error (unknown command, missing or malformed argument)",
                        "3:ESRCH: no such process, or not tracked (deregister)",
                        "13:EACCES: permission denied",
                        "19:ENODEV: the pinned state is gone (bpffs unmounted, a pin removed)",
                        "22:EINVAL: invalid pid, or not tracked",
                        "23:already monitored, or quotas already set",
                        "28:ENOSPC: a table is full",
                        "95:EOPNOTSUPP: incompatible pinned state, or the kernel cannot run restracker",
                        "137:run: the program was killed for a quota (128 + SIGKILL)"))
                .footerHeading("%nEnvironment:%n")
                .footer(
                        "RESTRACKER_PIN_DIR         the pin directory on bpffs (default /sys/fs/bpf/restracker)",
                        "RESTRACKER_CONTROL_SOCKET  the daemon's control socket (default /run/restracker/control.sock)",
                        "RESTRACKER_TRACKER_HOOKS   fentry, tracepoint, or both in the order to try (default fentry,tracepoint)",
                        "RESTRACKER_LOCK_HOOKS      the tracer's lock counters: fentry, kprobe, both, or none (default fentry,kprobe)",
                        "RESTRACKER_DEBUG=1         echo libbpf's log (the verifier's included) to stderr");
        main.spec = spec;
        return spec;
    }

    public static void main(String[] args) {
        int status = execute(args);
        // A success returns from main when no other thread would keep the JVM up: System.exit logs
        // the exit through System.Logger, whose first use looks for a logging service on the class
        // path, which opens the jar (the central directory of its ~3,300 entries, read by
        // interpreted code: ~15-20 ms of a CLI call, the only reason a `fetch` opened it).
        if (status == 0 && noOtherLiveThread()) return;
        System.exit(status);
    }

    /** Whether the threads of this one's group, besides itself, are all daemons (or none). */
    private static boolean noOtherLiveThread() {
        Thread[] threads = new Thread[Thread.activeCount() + 8];
        int n = Thread.enumerate(threads);
        if (n == threads.length) return false; // more than it could list: do not guess
        for (int i = 0; i < n; i++) {
            if (threads[i] != Thread.currentThread() && !threads[i].isDaemon()) return false;
        }
        return true;
    }

    /** Runs one command line and returns its exit status (used by tests in-process too). */
    public static int execute(String... args) {
        CommandLine.IExecutionStrategy strategy = ControlClient.needed()
                ? new Forwarding(Environment.controlSocket())
                : new CommandLine.RunLast();
        Path pinDir;
        try {
            pinDir = Environment.pinDir();
            BpfObject.echoLibbpfLog(Environment.debug());
        } catch (IllegalArgumentException e) {
            System.err.println("restracker: " + Untrusted.escape(e.getMessage()));
            return USAGE;
        }
        CommandLine cli = commandLine(pinDir, strategy, args);
        // One writer per stream for every subcommand, so that flushing them at the end flushes all.
        cli.setOut(new PrintWriter(System.out, true));
        cli.setErr(new PrintWriter(System.err, true));
        int status = cli.execute(args);
        cli.getOut().flush(); // commands print through picocli's writers, which flush only on println
        cli.getErr().flush();
        return status;
    }

    /**
     * The command line parser for args, with restracker's error handling; strategy runs what was
     * parsed.
     */
    static CommandLine commandLine(Path pinDir, CommandLine.IExecutionStrategy strategy, String... args) {
        CommandLine cli = new CommandLine(model(pinDir));
        Supplier<Object> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null) {
            cli.addSubcommand(args[0], named.get());
        } else {
            COMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
            cli.addSubcommand("help", new HelpCommand()); // a command line that names another command never reaches it
        }
        withHelpOptions(cli);
        cli.setExecutionStrategy(strategy);
        // No @FILE arguments: operators do not expect a command line to read files named in it.
        cli.setExpandAtFiles(false);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("restracker: " + Untrusted.escape(ex.getMessage()));
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            Failure f = Failure.of(ex).orElseThrow(() -> ex);
            c.getErr().println(f.line());
            return f.status();
        });
        return cli;
    }

    /** -h/--help and -V/--version on every command and subcommand, however deep. */
    private static void withHelpOptions(CommandLine cli) {
        Models.addHelpOptions(cli.getCommandSpec());
        cli.getSubcommands().values().forEach(Main::withHelpOptions);
    }

    /** The pin directory of the command line that spec belongs to. */
    static Path pinDir(CommandLine.Model.CommandSpec spec) {
        return ((Main) spec.root().userObject()).pinDir;
    }

    /** The innermost subcommand that was parsed. */
    static CommandLine leaf(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult p = parsed;
        while (p.hasSubcommand()) p = p.subcommand();
        return p.commandSpec().commandLine();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"restracker " + PinnedState.VERSION};
        }
    }
}
