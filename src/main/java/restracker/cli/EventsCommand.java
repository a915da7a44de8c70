package restracker.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import restracker.control.Operation;
import restracker.control.Request;
import restracker.json.Json;
import restracker.json.JsonViews;
import restracker.text.Untrusted;
import restracker.tracker.EventLog;
import restracker.tracker.KillEvent;
import restracker.tracker.ResourceTracker;

@Command(name = "events", description = "List the quota kills held in the kernel's event log, oldest first.")
final class EventsCommand implements Runnable, ControlCommand {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--pid", paramLabel = "PID", converter = PidArgument.class,
            description = "Only the kills of process PID.")
    Integer pid;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Request request() {
        return (pid == null ? Request.of(Operation.EVENTS) : Request.of(Operation.EVENTS_OF, pid)).with(Request.JSON, json);
    }

    @Override
    public void run() {
        Operations.runHere(this, spec);
    }

    /** The kill log at pinDir (of process pid only, unless null), as text or JSON; never loads. */
    static String render(Path pinDir, Integer pid, boolean json) {
        StringBuilder out = new StringBuilder();
        Optional<ResourceTracker> tracker = ResourceTracker.openExisting(pinDir);
        if (tracker.isEmpty()) {
            return json ? "{\"events\":[],\"overwritten\":0,\"total\":0}\n" : "restracker is not loaded: no events\n";
        }
        try (ResourceTracker t = tracker.get()) {
            EventLog all = t.events();
            EventLog log = pid == null ? all : new EventLog(all.events().stream().filter(e -> e.pid() == pid).toList(),
                    all.overwritten(), all.total(), all.quotaDrops(), all.policyNotices());
            if (json) return Json.write(JsonViews.events(log)) + "\n";
            if (log.overwritten() > 0) {
                out.append("(").append(log.overwritten()).append(" older events were overwritten: the log keeps the last ")
                        .append(all.events().size()).append(")\n");
            }
            if (log.events().isEmpty()) out.append(pid == null ? "no events" : "no events of pid " + pid).append('\n');
            for (KillEvent e : log.events()) {
                out.append(e.time()).append("  pid ").append(e.pid()).append(" (").append(Untrusted.escape(e.comm()))
                        .append(") tid ").append(e.tid()).append(e.isKill() ? " killed: " : ": ").append(RunCommand.describe(e))
                        .append(" [").append(e.scope().label()).append(' ').append(e.entity()).append("]\n");
            }
            return out.toString();
        }
    }
}
