package restracker.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import restracker.json.Json;
import restracker.json.JsonViews;
import restracker.tracker.EntityStats;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

@Command(name = "fetch", description = "Print the usage and quotas of a tracked PID.")
final class FetchCommand extends PidCommand implements Runnable {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
        try (ResourceTracker t = ResourceTracker.open(pinDir())) {
            EntityStats s = t.fetch(pid);
            out().println(json ? Json.write(JsonViews.entity(s)) : text(s));
        }
    }

    /** The seeds' line: "PID: 1234, Heap: 20 MiB, Files: 2, Heap Quota: 40 MiB, File Quota: 1". */
    static String text(EntityStats s) {
        Quota q = s.quota();
        return "PID: " + s.pid() + ", Heap: " + Sizes.format(s.heapBytes()) + ", Files: " + s.openFiles()
                + ", Heap Quota: " + Sizes.format(q.heapBytes())
                + ", File Quota: " + (q.filesLimited() ? Long.toString(q.files()) : "unlimited");
    }
}
