package restracker.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import restracker.proc.ProcFs;
import restracker.sys.Libc;
import restracker.text.Untrusted;
import restracker.tracker.KillEvent;
import restracker.tracker.Sizes;
import restracker.tracker.TrackerException;

/**
 * Starts CMD already tracked and capped. A shell stub stops itself before it execs CMD; while it is
 * stopped its pid is registered (counting from the exec) and capped, then it is continued. So CMD
 * never runs untracked, and its usage counts from its first instruction. Every process CMD forks,
 * and theirs, is tracked too by the kernel side, each as a process entity of its own with the same
 * quotas counted from its fork (as rlimits are inherited); --no-children tracks CMD alone. A user other than root
 * runs it through the daemon's control socket: the program is the user's own.
 */
@Command(name = "run", description = "Run CMD tracked and capped from its first instruction; exit with its status.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    private static final String STUB = "kill -STOP $$ && exec \"$@\"";

    @Mixin
    QuotaOptions options;

    @CommandLine.Option(names = "--seed-abi", arity = "0..1", fallbackValue = "full", paramLabel = "WHAT",
            converter = SeedAbiOptions.ModeConverter.class,
            description = "Answer the original kernel interface's system calls (548-553), and with `full` (the default)"
                    + " the /dev/tracer ioctls and /proc/tracer too: `full` or `syscalls`.")
    restracker.seedabi.Mode seedAbi;

    @CommandLine.Option(names = "--seed-abi-base", paramLabel = "N",
            description = "The first system call number of --seed-abi (default 548); refused when the kernel has a call there.")
    Integer seedAbiBase;

    @CommandLine.Option(names = "--no-children",
            description = "Track and cap CMD alone, not the processes it starts.")
    boolean noChildren;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The program and its arguments (after --).")
    List<String> command;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (seedAbi == null && seedAbiBase != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seed-abi-base goes with --seed-abi");
        }
        var quota = options.quota();
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", STUB, "restracker-run"));
        argv.addAll(command);
        try (SeedAbiOptions seed = SeedAbiOptions.open(seedAbi,
                seedAbiBase == null ? restracker.seedabi.SeedAbi.DEFAULT_BASE : seedAbiBase, Main.pinDir(spec));
                RunTracking t = RunTracking.open(Main.pinDir(spec))) {
            if (seed != null) argv = seed.command(command);
            Process child = new ProcessBuilder(argv).inheritIO().start();
            int pid = (int) child.pid();
            try {
                awaitStopped(child, pid);
                // Under --seed-abi the program registers itself, unless run is to cap it.
                if (seed == null || options.any()) t.register(pid, !noChildren);
                if (options.any()) t.cap(pid, quota);
                if (seed != null) seed.supervise(pid);
            } catch (RuntimeException e) {
                child.destroyForcibly();
                throw e;
            }
            Libc.kill(pid, Libc.SIGCONT);
            int status = child.waitFor();
            if (status == 128 + Libc.SIGKILL) {
                t.kill(pid).ifPresent(how -> spec.commandLine().getErr().println("restracker: "
                        + Untrusted.escape(String.join(" ", command)) + " (pid " + pid + ") was killed: " + how));
            }
            return status;
        } catch (RunTracking.Refused e) {
            spec.commandLine().getErr().print(e.reply.err());
            return e.reply.status();
        }
    }

    private static void awaitStopped(Process child, int pid) throws InterruptedException {
        for (;;) {
            Optional<ProcFs.Task> task = ProcFs.task(pid);
            if (task.isPresent() && task.get().state() == 'T') return;
            if (!child.isAlive() || task.isEmpty()) {
                throw new TrackerException(restracker.sys.Errno.ESRCH, "the command's stub exited before it could be tracked");
            }
            Thread.sleep(1);
        }
    }

    static String describe(KillEvent e) {
        if (e.reason() == KillEvent.Reason.PRIVILEGES) {
            return "quota of uid " + e.limit() + " dropped: privileges gained at exec (effective uid " + e.usage() + ")";
        }
        String usage = e.reason() == KillEvent.Reason.HEAP ? Sizes.format(e.usage()) : Long.toString(e.usage());
        String limit = e.reason() == KillEvent.Reason.HEAP ? Sizes.format(e.limit()) : Long.toString(e.limit());
        String at = " at " + (e.syscall().equals("cap") || e.syscall().contains(" ") ? e.syscall() : e.syscall() + "()");
        String policy = e.policy().map(p -> " (policy " + Untrusted.escape(p) + ")").orElse("");
        return switch (e.kind()) {
            case AUDIT -> "audit: " + e.reason().label() + " quota " + limit + " exceeded (" + usage + ")" + at + policy
                    + ", not killed";
            case WARN -> "warning: " + e.reason().label() + " usage " + usage + " passed " + limit + at + policy;
            default -> e.reason().label() + " quota " + limit + " exceeded (" + usage + ")" + at + policy;
        };
    }
}
