package restracker.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import restracker.kernelops.Counter;
import restracker.kernelops.CounterSource;
import restracker.kernelops.KernelOpsSnapshot;
import restracker.kernelops.TracedProcess;
import restracker.policy.Policy;
import restracker.policy.PolicyTable;
import restracker.tracker.EntityStats;
import restracker.tracker.EventLog;
import restracker.tracker.KillEvent;

/**
 * The JSON shapes of restracker's answers, the same from the CLI (--json) and the daemon's API,
 * so that a script can move from one to the other unchanged.
 */
public final class JsonViews {
    private JsonViews() {}

    /** `fetch --json`, `/api/processes/{pid}`. */
    public static Map<String, Object> entity(EntityStats s) {
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
        m.put("stack_vm_bytes", s.stackVmBytes());
        m.put("open_fds", s.openFds());
        m.put("policy", s.policy().orElse(null));
        return m;
    }

    public static Map<String, Object> event(KillEvent e) {
        Map<String, Object> m = Json.object();
        m.put("seq", e.seq());
        m.put("time", e.time().toString());
        m.put("pid", e.pid());
        m.put("tid", e.tid());
        m.put("comm", e.comm());
        m.put("entity", e.entity());
        m.put("scope", e.scope().label());
        m.put("quota", e.reason().label());
        m.put("usage", e.usage());
        m.put("limit", e.limit());
        m.put("syscall", e.syscall());
        m.put("kind", e.kind().label());
        m.put("policy", e.policy().orElse(null));
        return m;
    }

    /** `events --json`, `/api/events`. */
    public static Map<String, Object> events(EventLog log) {
        Map<String, Object> m = Json.object();
        m.put("events", log.events().stream().map(JsonViews::event).toList());
        m.put("overwritten", log.overwritten());
        m.put("total", log.total());
        return m;
    }

    /** `tracer show --json`, `/api/tracer`: an unmeasured counter is null, never 0. */
    public static Map<String, Object> tracer(KernelOpsSnapshot s, boolean loaded) {
        Map<String, Object> m = Json.object();
        m.put("loaded", loaded);
        List<Object> rows = new ArrayList<>();
        for (TracedProcess p : s.processes()) {
            Map<String, Object> r = Json.object();
            r.put("pid", p.pid());
            r.put("comm", p.comm());
            for (Counter c : Counter.values()) {
                var v = p.get(c);
                r.put(c.label(), v.isPresent() ? v.getAsLong() : null);
            }
            rows.add(r);
        }
        m.put("processes", rows);
        Map<String, Object> counters = Json.object();
        for (Map.Entry<Counter, CounterSource> e : s.sources().entrySet()) {
            CounterSource src = e.getValue();
            Map<String, Object> c = Json.object();
            c.put("measured", src.measured());
            c.put("hook", src.measured() ? src.hook().label() : null);
            c.put("target", src.measured() ? src.target() : null);
            if (!src.measured()) c.put("reason", src.reason());
            counters.put(e.getKey().label(), c);
        }
        m.put("counters", counters);
        m.put("allocations_dropped", s.allocationsDropped());
        return m;
    }

    /** A loaded policy, in `policy list --json` and `/api/policies`. */
    public static Map<String, Object> policy(PolicyTable.Loaded l) {
        Policy p = l.policy();
        Map<String, Object> m = Json.object();
        m.put("name", p.name());
        m.put("id", l.id());
        m.put("exe", p.match().exe().map(Object::toString).orElse(null));
        m.put("children", p.match().children());
        m.put("cgroup", p.match().cgroup().map(Object::toString).orElse(null));
        m.put("uid", p.match().uid().isPresent() ? (Object) Integer.toUnsignedLong(p.match().uid().getAsInt()) : null);
        m.put("heap_quota_bytes", p.quota().heapBytes());
        m.put("file_quota", p.quota().files());
        m.put("mode", p.mode().word());
        m.put("warn_percent", p.warnPercent().isPresent() ? (Object) p.warnPercent().getAsInt() : null);
        m.put("held", l.held());
        m.put("killed", l.killed());
        m.put("audited", l.audited());
        m.put("warned", l.warned());
        return m;
    }
}
