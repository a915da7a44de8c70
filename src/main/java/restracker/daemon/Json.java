package restracker.daemon;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import restracker.tracer.Counter;
import restracker.tracer.CounterSource;
import restracker.tracer.TracedProcess;
import restracker.tracer.TracerSnapshot;
import restracker.tracker.EntityStats;
import restracker.tracker.EventLog;
import restracker.tracker.KillEvent;

/**
 * The daemon's JSON: a small writer, and the shapes of its answers. The keys are those of
 * {@code restracker fetch --json} and {@code restracker events --json}, so a script can move from
 * the CLI to the API without changes.
 */
final class Json {
    private Json() {}

    static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    static Map<String, Object> entity(EntityStats s) {
        Map<String, Object> m = object();
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

    static Map<String, Object> event(KillEvent e) {
        Map<String, Object> m = object();
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
        return m;
    }

    static Map<String, Object> events(EventLog log) {
        Map<String, Object> m = object();
        m.put("events", log.events().stream().map(Json::event).toList());
        m.put("overwritten", log.overwritten());
        m.put("total", log.total());
        return m;
    }

    /** The shape of {@code restracker tracer show --json}; an unmeasured counter is null, never 0. */
    static Map<String, Object> tracer(java.util.Optional<TracerSnapshot> snapshot) {
        Map<String, Object> m = object();
        m.put("loaded", snapshot.isPresent());
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        Map<String, Object> counters = object();
        if (snapshot.isPresent()) {
            for (TracedProcess p : snapshot.get().processes()) {
                Map<String, Object> r = object();
                r.put("pid", p.pid());
                r.put("comm", p.comm());
                for (Counter c : Counter.values()) {
                    OptionalLong v = p.get(c);
                    r.put(c.label(), v.isPresent() ? v.getAsLong() : null);
                }
                rows.add(r);
            }
            for (Map.Entry<Counter, CounterSource> e : snapshot.get().sources().entrySet()) {
                CounterSource src = e.getValue();
                Map<String, Object> c = object();
                c.put("measured", src.measured());
                c.put("hook", src.measured() ? src.hook().label() : null);
                c.put("target", src.measured() ? src.target() : null);
                if (!src.measured()) c.put("reason", src.reason());
                counters.put(e.getKey().label(), c);
            }
        }
        m.put("processes", rows);
        m.put("counters", counters);
        m.put("allocations_dropped", snapshot.map(TracerSnapshot::allocationsDropped).orElse(0L));
        return m;
    }

    /** {@code {"interval_seconds":5,"processes":{"PID":[[epoch ms, heap bytes, open files], ...]}}} */
    static Map<String, Object> history(Map<Integer, List<History.Sample>> samples) {
        Map<String, Object> m = object();
        m.put("interval_seconds", History.INTERVAL.toSeconds());
        Map<String, Object> processes = new java.util.TreeMap<>();
        samples.forEach((pid, list) -> processes.put(Integer.toString(pid),
                list.stream().map(s -> List.of(s.timeMillis(), s.heapBytes(), s.openFiles())).toList()));
        m.put("processes", processes);
        return m;
    }

    static Map<String, Object> error(String message) {
        Map<String, Object> m = object();
        m.put("error", message);
        return m;
    }

    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case Number n -> sb.append(n);
            case Boolean b -> sb.append(b);
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    string(sb, e.getKey().toString());
                    sb.append(':');
                    append(sb, e.getValue());
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(',');
                    append(sb, l.get(i));
                }
                sb.append(']');
            }
            default -> string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '<' -> sb.append("\\u003c"); // safe to embed in a page
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
