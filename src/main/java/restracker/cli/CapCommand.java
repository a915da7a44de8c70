package restracker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import restracker.control.Operation;
import restracker.control.Request;

@Command(name = "cap", description = "Set the quotas of a tracked PID; usage above one (now or later) is SIGKILLed.")
final class CapCommand extends PidCommand {
    @Mixin
    QuotaOptions options;

    @Option(names = "--replace", description = "Replace quotas already set (otherwise refused with 23).")
    boolean replace;

    @Override
    public Request request() {
        if (!options.any()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --heap SIZE, --files N, or both");
        }
        return Request.of(Operation.CAP, pid).withQuota(options.quota()).with(Request.REPLACE, replace);
    }
}
