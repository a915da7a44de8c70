package restracker.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import restracker.tracker.EntityStats;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

@Command(name = "fetch", description = "Print the usage and quotas of a tracked PID.")
final class FetchCommand implements Runnable {
    @Parameters(paramLabel = "PID", converter = PidArgument.class)
    int pid;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
        try (ResourceTracker t = ResourceTracker.open()) {
            EntityStats s = t.fetch(pid);
            System.out.println(json ? Json.write(toJson(s)) : text(s));
        }
    }

    /** The seeds' line: "PID: 1234, Heap: 20 MiB, Files: 2, Heap Quota: 40 MiB, File Quota: 1". */
    static String text(EntityStats s) {
        Quota q = s.quota();
        return "PID: " + s.pid() + ", Heap: " + Sizes.format(s.heapBytes()) + ", Files: " + s.openFiles()
                + ", Heap Quota: " + Sizes.format(q.heapBytes())
                + ", File Quota: " + (q.filesLimited() ? Long.toString(q.files()) : "unlimited");
    }

    static Map<String, Object> toJson(EntityStats s) {
        Map<String, Object> m = Json.object();
        m.put("pid", s.pid());
        m.put("scope", s.scope().label());
        m.put("tgid", s.tgid());
        m.put("comm", s.comm());
        m.put("heapsize_bytes", s.heapBytes());
        m.put("openfile_count", s.openFiles());
        m.put("heapsize_quota_bytes", s.quota().heapBytes());
        m.put("openfile_quota", s.quota().files());
        m.put("vmdata_bytes", s.vmDataBytes());
        m.put("open_fds", s.openFds());
        return m;
    }
}
