package restracker.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import restracker.json.Json;
import restracker.json.JsonViews;
import restracker.policy.Match;
import restracker.policy.Mode;
import restracker.policy.Policy;
import restracker.policy.PolicyFile;
import restracker.policy.PolicyTable;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.text.Untrusted;
import restracker.tracker.ResourceTracker;
import restracker.tracker.Sizes;
import restracker.tracker.TrackerException;

/**
 * `restracker policy add | remove | list | apply`: quotas on the processes a policy selects, held in
 * the kernel. Root's alone: the control socket has no policy operation, and a user is told so here.
 */
@Command(name = "policy", description = "Quotas on executables, cgroups and users, applied by the kernel at exec and fork.",
        subcommands = {PolicyCommand.Add.class, PolicyCommand.Remove.class, PolicyCommand.ListPolicies.class,
                PolicyCommand.Apply.class})
final class PolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: add, remove, list or apply");
    }

    /** The tracker at the command's pin directory, for root only (loaded if needed). */
    static ResourceTracker tracker(CommandLine.Model.CommandSpec spec, String what) {
        if (Libc.geteuid() != 0) {
            throw new TrackerException(Errno.EPERM, "cannot " + what + ": policies are root's, and only root may change"
                    + " or read them");
        }
        return ResourceTracker.open(Main.pinDir(spec), Environment.trackerHooks());
    }

    @Command(name = "add", description = "Add a policy: every process it selects (now and at each exec) gets its quotas.")
    static final class Add implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME", description = "The policy's name (letters, digits, '.', '_', '-').")
        String name;

        @Option(names = "--exe", paramLabel = "PATH", description = "The executable file (its device and inode, resolved now).")
        Path exe;

        @Option(names = "--children", description = "With --exe: its descendants too, whatever they exec.")
        boolean children;

        @Option(names = "--cgroup", paramLabel = "PATH", description = "A cgroup v2 directory: its processes and those below it.")
        Path cgroup;

        @Option(names = "--uid", paramLabel = "USER|UID", description = "The real uid, or a user name.")
        String uid;

        @Mixin
        QuotaOptions quota;

        @Option(names = "--mode", paramLabel = "MODE", description = "enforce (the default: kill) or audit (log only).")
        String mode;

        @Option(names = "--warn", paramLabel = "PERCENT", description = "Log a warning when usage first passes PERCENT of a quota.")
        Integer warn;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Policy p;
            try {
                OptionalInt numeric = uid != null && Sizes.isDecimal(uid) && !uid.startsWith("-")
                        ? OptionalInt.of(Integer.parseUnsignedInt(uid)) : OptionalInt.empty();
                Optional<String> user = uid != null && numeric.isEmpty() ? Optional.of(uid) : Optional.empty();
                Match m = new Match(Optional.ofNullable(exe).map(Path::toAbsolutePath).map(Path::normalize), children,
                        Optional.ofNullable(cgroup).map(Path::toAbsolutePath).map(Path::normalize), numeric, user);
                p = new Policy(name, m, quota.quota(), mode(mode), warn == null ? OptionalInt.empty() : OptionalInt.of(warn));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            try (ResourceTracker t = tracker(spec, "add policy " + name)) {
                new PolicyTable(t).add(p);
            }
            spec.commandLine().getOut().println("added policy " + name);
        }

        private Mode mode(String word) {
            if (word == null) return Mode.ENFORCE;
            for (Mode m : Mode.values()) if (m.word().equals(word)) return m;
            throw new IllegalArgumentException("--mode must be enforce or audit, not '" + Untrusted.escape(word) + "'");
        }
    }

    @Command(name = "remove", description = "Remove a policy; the processes it held are let go.")
    static final class Remove implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            try (ResourceTracker t = tracker(spec, "remove policy " + name)) {
                new PolicyTable(t).remove(name);
            }
            spec.commandLine().getOut().println("removed policy " + name);
        }
    }

    @Command(name = "list", description = "List the policies: selectors, quotas, mode, and processes held, killed, warned.")
    static final class ListPolicies implements Runnable {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            try (ResourceTracker t = tracker(spec, "list the policies")) {
                List<PolicyTable.Loaded> all = new PolicyTable(t).list();
                spec.commandLine().getOut().print(json ? Json.write(Map.of("policies", all.stream().map(JsonViews::policy)
                        .toList())) + "\n" : PolicyViews.table(all));
            }
        }
    }

    @Command(name = "apply", description = "Replace the whole set with a YAML file's, atomically (a bad file changes nothing).")
    static final class Apply implements Runnable {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            try (ResourceTracker t = tracker(spec, "apply " + file)) {
                List<Policy> set = PolicyFile.read(file);
                new PolicyTable(t).replaceAll(set);
                spec.commandLine().getOut().println("applied " + set.size() + " polic" + (set.size() == 1 ? "y" : "ies")
                        + " from " + Untrusted.escape(file.toString()));
            }
        }
    }
}
