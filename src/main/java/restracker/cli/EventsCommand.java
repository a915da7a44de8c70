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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Optional<ResourceTracker> tracker = ResourceTracker.openExisting(Main.pinDir(spec));
        if (tracker.isEmpty()) {
            out.println(json ? "{\"events\":[],\"overwritten\":0,\"total\":0}" : "restracker is not loaded: no events");
            return;
        }
        try (ResourceTracker t = tracker.get()) {
            EventLog log = t.events();
            if (json) {
                out.println(Json.write(JsonViews.events(log)));
                return;
            }
            if (log.overwritten() > 0) {
                out.println("(" + log.overwritten() + " older events were overwritten: the log keeps the last "
                        + log.events().size() + ")");
            }
            if (log.events().isEmpty()) out.println("no quota kills");
            for (KillEvent e : log.events()) {
                out.println(e.time() + "  pid " + e.pid() + " (" + e.comm() + ") tid " + e.tid() + " killed: "
                        + RunCommand.describe(e) + " [" + e.scope().label() + " " + e.entity() + "]");
            }
        }
    }
}
