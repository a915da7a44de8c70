package restracker.cli;

import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Command models built with picocli's programmatic API, for the commands every call may name (the
 * root and the tracker's PID commands): picocli reads an annotated command by reflection, each
 * annotation a dynamic proxy spun at run time, which is most of what picocli costs a call. The
 * model is the same one (help, usage errors and completion come from it); only how it is made
 * differs.
 */
final class Models {
    private Models() {}

    /** A command whose model is built here: its spec is injected as picocli injects a @Spec field. */
    static CommandSpec command(Object userObject, String name, String description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(userObject);
        spec.name(name);
        spec.usageMessage().description(description);
        return spec;
    }

    /**
     * -h/--help and -V/--version, as picocli's standard help mixin has them (same names and
     * descriptions), without reading that mixin's annotations.
     */
    static void addHelpOptions(CommandSpec spec) {
        if (spec.mixinStandardHelpOptions() || spec.findOption("--help") != null) return;
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class)
                .description("Print version information and exit.").build());
    }

    /** A flag (no value, false unless given) that sets a field of the command through set. */
    static OptionSpec flag(String name, String description, boolean hidden, Consumer<Boolean> set) {
        Binding<Boolean> b = new Binding<>(false, set);
        return OptionSpec.builder(name).type(boolean.class).description(description).hidden(hidden)
                .initialValue(false).getter(b).setter(b).build();
    }

    /** The PID positional parameter of a {@link PidCommand}. */
    static PositionalParamSpec pid(PidCommand command) {
        Binding<Integer> b = new Binding<>(command.pid, v -> command.pid = v);
        return PositionalParamSpec.builder().paramLabel("PID").index("0").arity("1").required(true).type(int.class)
                .initialValue(command.pid).converters(new PidArgument()).getter(b).setter(b).build();
    }

    /** A value picocli reads and writes, passed on to the command's field as it is set. */
    private static final class Binding<T> implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
        private final Consumer<T> set;
        private T value;

        Binding(T initial, Consumer<T> set) {
            this.value = initial;
            this.set = set;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V v) {
            V previous = (V) value;
            value = (T) v;
            if (v != null) set.accept(value);
            return previous;
        }
    }
}
