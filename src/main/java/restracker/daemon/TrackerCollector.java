package restracker.daemon;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;
import restracker.kernel.PinnedState;
import restracker.kernelops.Counter;
import restracker.kernelops.CounterSource;
import restracker.kernelops.KernelOpsSnapshot;
import restracker.kernelops.TracedProcess;
import restracker.tracker.EntityStats;

/**
 * restracker's Prometheus metrics, from the daemon's shared reading of the kernel state (one
 * {@link KernelView} reading per scrape, at most {@link KernelView#MAX_AGE} old, so all series of a
 * scrape agree). Per tracked entity (labels pid, comm,
 * scope): usage, quotas (only where one is set), absolute figures; for the whole: kills by reason,
 * overwritten events, and the daemon's own health. Per traced process (labels pid, comm), the
 * kernel-operations tracer's counters when the tracer is loaded; a counter this kernel cannot
 * measure has no series (never a made-up 0), and {@code restracker_tracer_column_measured} says so. A failed reading still answers with the health
 * series, and {@code restracker_tracker_loaded} 0.
 */
final class TrackerCollector implements MultiCollector {
    private final KernelView view;
    private final EventStream stream;

    TrackerCollector(KernelView view, EventStream stream) {
        this.view = view;
        this.stream = stream;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        KernelView.Reading r = null;
        try {
            r = view.read();
        } catch (RuntimeException e) {
            // counted in restracker_daemon_read_errors_total below; the health series still go out
        }
        boolean loaded = r != null && r.loaded();
        out.add(gauge("restracker_tracker_loaded", "1 when the tracker is loaded in the kernel (pinned state found and readable), else 0",
                null, loaded ? 1 : 0));
        if (r != null) {
            List<EntityStats> es = r.entities();
            List<Labels> labels = es.stream().map(TrackerCollector::labels).toList(); // once per entity, for all its series
            out.add(gauge("restracker_tracked_entities", "Processes and threads tracked now", null, es.size()));
            out.add(perEntity("restracker_heap_bytes", "Heap (data segment) growth since registration",
                    Unit.BYTES, es, labels, EntityStats::heapBytes, false));
            out.add(perEntity("restracker_heap_quota_bytes", "Heap quota; absent when unlimited",
                    Unit.BYTES, es, labels, s -> s.quota().heapBytes(), true));
            out.add(perEntity("restracker_open_files", "Open file descriptors gained since registration",
                    null, es, labels, EntityStats::openFiles, false));
            out.add(perEntity("restracker_open_files_quota", "Open file quota; absent when unlimited",
                    null, es, labels, s -> s.quota().files(), true));
            out.add(perEntity("restracker_vmdata_bytes", "VmData of the process now (absolute)",
                    Unit.BYTES, es, labels, EntityStats::vmDataBytes, false));
            out.add(perEntity("restracker_open_fds", "Open file descriptors of the process now (absolute)",
                    null, es, labels, EntityStats::openFds, false));
            out.add(counter("restracker_events_overwritten", "Kill events overwritten in the kernel's ring before anyone read them",
                    r.log().overwritten()));
        }
        tracer(out);
        CounterSnapshot.Builder kills = CounterSnapshot.builder().name("restracker_quota_kills")
                .help("Processes and threads SIGKILLed for exceeding a quota, by quota (unknown: overwritten in the log before the daemon read it)");
        for (Map.Entry<KillTally.Reason, Long> e : view.tally().counts().entrySet()) {
            kills.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", e.getKey().label()))
                    .value(e.getValue()).build());
        }
        out.add(kills.build());
        out.add(counter("restracker_daemon_read_errors", "Readings of the kernel state that failed", view.readErrors()));
        out.add(counter("restracker_daemon_readings", "Readings of the kernel state taken (each shared by the requests of up to a second)",
                view.readings()));
        out.add(GaugeSnapshot.builder().name("restracker_daemon_last_read_duration_seconds")
                .help("How long the last reading of the kernel state took").unit(Unit.SECONDS)
                .dataPoint(GaugeDataPointSnapshot.builder().value(view.lastReadTook().toNanos() / 1e9).build()).build());
        out.add(gauge("restracker_daemon_stream_clients", "Clients connected to /api/stream", null, stream.clients()));
        out.add(InfoSnapshot.builder().name("restracker_build").help("restracker's version and pin directory")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(Labels.of("version", PinnedState.VERSION, "pin_dir", view.pinDir().toString())).build())
                .build());
        return new MetricSnapshots(out);
    }

    /** Metric name, unit and help per tracer counter (the tracer table's columns). */
    private record TracerMetric(String name, Unit unit, String help) {}

    private static TracerMetric tracerMetric(Counter c) {
        return switch (c) {
            case KMALLOC -> new TracerMetric("restracker_tracer_kmalloc_calls", null, "kmalloc calls since the process was added");
            case KFREE -> new TracerMetric("restracker_tracer_kfree_calls", null, "kfree calls since the process was added");
            case KMALLOC_MEM -> new TracerMetric("restracker_tracer_kmalloc_requested_bytes", Unit.BYTES,
                    "Bytes requested from kmalloc since the process was added");
            case KFREE_MEM -> new TracerMetric("restracker_tracer_kfree_bytes", Unit.BYTES,
                    "Bytes freed by kfree (blocks whose allocation was seen) since the process was added");
            case SCHED -> new TracerMetric("restracker_tracer_context_switches", null,
                    "Times the process was switched out by schedule() since it was added");
            case UP -> new TracerMetric("restracker_tracer_up_calls", null, "up() calls since the process was added");
            case DOWN -> new TracerMetric("restracker_tracer_down_interruptible_calls", null,
                    "down_interruptible() calls since the process was added");
            case LOCK -> new TracerMetric("restracker_tracer_mutex_lock_calls", null, "mutex_lock() calls since the process was added");
            case UNLOCK -> new TracerMetric("restracker_tracer_mutex_unlock_calls", null,
                    "mutex_unlock() calls since the process was added");
        };
    }

    private void tracer(List<MetricSnapshot> out) {
        Optional<KernelOpsSnapshot> snap;
        try {
            snap = view.readTracer();
        } catch (RuntimeException e) {
            snap = Optional.empty(); // counted in restracker_daemon_read_errors_total
        }
        out.add(gauge("restracker_tracer_loaded", "1 when the kernel-operations tracer is loaded (restracker tracer add loads it), else 0",
                null, snap.isPresent() ? 1 : 0));
        if (snap.isEmpty()) return;
        KernelOpsSnapshot s = snap.get();
        GaugeSnapshot.Builder measured = GaugeSnapshot.builder().name("restracker_tracer_column_measured")
                .help("1 when this kernel lets the tracer measure the column (hook: how), 0 when not: then it has no series");
        for (Map.Entry<Counter, CounterSource> e : s.sources().entrySet()) {
            CounterSource src = e.getValue();
            measured.dataPoint(GaugeDataPointSnapshot.builder().value(src.measured() ? 1 : 0)
                    .labels(Labels.of("column", e.getKey().label(), "hook", src.measured() ? src.hook().label() : "none")).build());
        }
        out.add(measured.build());
        for (Counter c : Counter.values()) {
            TracerMetric m = tracerMetric(c);
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(m.name()).help(m.help());
            if (m.unit() != null) b.unit(m.unit());
            for (TracedProcess p : s.processes()) {
                OptionalLong v = p.get(c);
                if (v.isEmpty()) continue;
                b.dataPoint(CounterDataPointSnapshot.builder().value(v.getAsLong())
                        .labels(Labels.of("pid", Integer.toString(p.pid()), "comm", p.comm())).build());
            }
            out.add(b.build());
        }
        out.add(counter("restracker_tracer_allocations_dropped",
                "kmallocs of traced processes not remembered (table full): their frees do not count in kfree bytes",
                s.allocationsDropped()));
    }

    private static GaugeSnapshot gauge(String name, String help, Unit unit, double value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) b.unit(unit);
        return b.dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static CounterSnapshot counter(String name, String help, double value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    /** One series per entity; labels.get(i) are those of entities.get(i). */
    private static GaugeSnapshot perEntity(String name, String help, Unit unit, List<EntityStats> entities,
            List<Labels> labels, ToLongFunction<EntityStats> value, boolean skipUnlimited) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) b.unit(unit);
        for (int i = 0; i < entities.size(); i++) {
            long v = value.applyAsLong(entities.get(i));
            if (skipUnlimited && v < 0) continue;
            b.dataPoint(GaugeDataPointSnapshot.builder().value(v).labels(labels.get(i)).build());
        }
        return b.build();
    }

    static Labels labels(EntityStats s) {
        return Labels.of("pid", Integer.toString(s.pid()), "comm", s.comm(), "scope", s.scope().label());
    }
}
