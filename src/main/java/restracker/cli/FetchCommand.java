package restracker.cli;

import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import restracker.control.Operation;
import restracker.control.Request;
import restracker.json.Json;
import restracker.json.JsonViews;
import restracker.proc.ProcFs;
import restracker.tracker.EntityStats;
import restracker.tracker.Quota;
import restracker.tracker.Sizes;

final class FetchCommand extends PidCommand {
    boolean json;

    static CommandSpec model() {
        FetchCommand c = new FetchCommand();
        return c.model("fetch", "Print the usage and quotas of a tracked PID.",
                Models.flag("--json", "Print JSON.", false, v -> c.json = v));
    }

    @Override
    public Request request() {
        return Request.of(Operation.FETCH, pid).with(Request.JSON, json);
    }

    /**
     * What `fetch` prints: the original fetch line, or the JSON object, which also shows RssShmem
     * (`shmem_bytes`, read from /proc here: resident shared memory, not in the heap figure).
     */
    static String render(EntityStats s, boolean json) {
        if (!json) return text(s) + "\n";
        Map<String, Object> m = JsonViews.entity(s);
        m.put("shmem_bytes", ProcFs.rssShmemBytes(s.tgid()).orElse(0));
        return Json.write(m) + "\n";
    }

    /** The line the original fetch printed: "PID: 1234, Heap: 20 MiB, Files: 2, Heap Quota: 40 MiB, File Quota: 1". */
    static String text(EntityStats s) {
        Quota q = s.quota();
        return "PID: " + s.pid() + ", Heap: " + Sizes.format(s.heapBytes()) + ", Files: " + s.openFiles()
                + ", Heap Quota: " + Sizes.format(q.heapBytes())
                + ", File Quota: " + (q.filesLimited() ? Long.toString(q.files()) : "unlimited");
    }
}
