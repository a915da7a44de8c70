package restracker.cli;

import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import restracker.json.Json;
import restracker.json.JsonViews;
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
    public int target() {
        return pid == null ? 0 : pid;
    }

    @Override
    public void retarget(int hostPid) {
        pid = hostPid;
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Optional<ResourceTracker> tracker = ResourceTracker.openExisting(Main.pinDir(spec));
        if (tracker.isEmpty()) {
            out.println(json ? "{\"events\":[],\"overwritten\":0,\"total\":0}" : "restracker is not loaded: no events");
            return;
        }
        try (ResourceTracker t = tracker.get()) {
            EventLog all = t.events();
            EventLog log = pid == null ? all : new EventLog(all.events().stream().filter(e -> e.pid() == pid).toList(),
                    all.overwritten(), all.total(), all.quotaDrops());
            if (json) {
                out.println(Json.write(JsonViews.events(log)));
                return;
            }
            if (log.overwritten() > 0) {
                out.println("(" + log.overwritten() + " older events were overwritten: the log keeps the last "
                        + all.events().size() + ")");
            }
            if (log.events().isEmpty()) out.println(pid == null ? "no quota kills" : "no quota kills of pid " + pid);
            for (KillEvent e : log.events()) {
                out.println(e.time() + "  pid " + e.pid() + " (" + e.comm() + ") tid " + e.tid() + (e.isKill() ? " killed: " : ": ")
                        + RunCommand.describe(e) + " [" + e.scope().label() + " " + e.entity() + "]");
            }
        }
    }
}
