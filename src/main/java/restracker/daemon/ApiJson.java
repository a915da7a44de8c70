package restracker.daemon;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import restracker.json.Json;
import restracker.json.JsonViews;
import restracker.kernelops.KernelOpsSnapshot;
import restracker.policy.PolicyTable;

/** The daemon's own answers; the shapes it shares with the CLI are in {@link JsonViews}. */
final class ApiJson {
    private static final KernelOpsSnapshot NO_TRACER = new KernelOpsSnapshot(List.of(), Map.of(), 0);
    /** The keys of `policy list --json` that say what a policy selects. */
    private static final List<String> SELECTORS = List.of("exe", "children", "cgroup", "uid");

    private ApiJson() {}

    /** `/api/tracer`: as `tracer show --json`, with "loaded": false when the tracer is not loaded. */
    static Map<String, Object> tracer(Optional<KernelOpsSnapshot> snapshot) {
        return JsonViews.tracer(snapshot.orElse(NO_TRACER), snapshot.isPresent());
    }

    /** {@code {"interval_seconds":5,"processes":{"PID":[[epoch ms, heap bytes, open files], ...]}}} */
    static Map<String, Object> history(Map<Integer, List<History.Sample>> samples) {
        Map<String, Object> m = Json.object();
        m.put("interval_seconds", History.INTERVAL.toSeconds());
        Map<String, Object> processes = new TreeMap<>();
        samples.forEach((pid, list) -> processes.put(Integer.toString(pid),
                list.stream().map(s -> List.of(s.timeMillis(), s.heapBytes(), s.openFiles())).toList()));
        m.put("processes", processes);
        return m;
    }

    /**
     * `/api/policies`: the policies loaded (as `policy list --json` without their selectors, each
     * with the processes of the reading it holds) and, with {@code daemon --policies}, the outcome
     * of the directory's reloads.
     */
    static Map<String, Object> policies(KernelView.Reading r, Optional<PolicyReloads.Status> reloads) {
        Map<String, Object> m = Json.object();
        m.put("loaded", r.loaded());
        m.put("time", r.at().toString());
        m.put("policies", r.policies().stream().map(ApiJson::policy).toList());
        m.put("reloads", reloads.map(ApiJson::reloads).orElse(null));
        return m;
    }

    /**
     * A policy as `policy list --json` shows it, without what it selects: the selectors (paths,
     * uids) are root's to read, as `policy list` is, and anyone who reaches the API reads this.
     */
    private static Map<String, Object> policy(PolicyTable.Loaded l) {
        Map<String, Object> m = JsonViews.policy(l);
        for (String selector : SELECTORS) m.remove(selector);
        return m;
    }

    private static Map<String, Object> reloads(PolicyReloads.Status s) {
        Map<String, Object> m = Json.object();
        m.put("applied", s.applied());
        m.put("failed", s.failed());
        m.put("last_failed", s.lastFailed());
        m.put("last_error", s.lastError().orElse(null));
        m.put("last_applied", s.lastApplied().map(Object::toString).orElse(null));
        m.put("policies", s.policies());
        m.put("absent", s.absent());
        return m;
    }

    static Map<String, Object> error(String message) {
        Map<String, Object> m = Json.object();
        m.put("error", message);
        return m;
    }
}
