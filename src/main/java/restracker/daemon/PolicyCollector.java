package restracker.daemon;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import restracker.policy.PolicyTable;
import restracker.tracker.ResourceTracker;

/**
 * The policies' series: per policy loaded (label policy), the processes it holds now and the kills,
 * audit notices and warnings the kernel counted for it; and with {@code daemon --policies}, the
 * reloads of the policy directory (applied, failed, whether the last failed, when one last
 * applied, the policies left out for a path absent here). From the daemon's shared reading of
 * the kernel state; a tracker not loaded has no policy series.
 */
final class PolicyCollector implements MultiCollector {
    private final KernelView view;
    private final Optional<PolicyReloads> reloads;

    PolicyCollector(KernelView view, Optional<PolicyReloads> reloads) {
        this.view = view;
        this.reloads = reloads;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        List<PolicyTable.Loaded> loaded = loaded();
        out.add(perPolicy(GaugeSnapshot.builder().name("restracker_policy_processes")
                .help("Processes a policy holds now (each a process entity with its quotas)"), loaded, PolicyTable.Loaded::held));
        out.add(perPolicyCount("restracker_policy_kills", "Processes SIGKILLed for crossing a policy's quota", loaded,
                PolicyTable.Loaded::killed));
        out.add(perPolicyCount("restracker_policy_audits", "Crossings of an audit policy's quota, logged, nothing killed", loaded,
                PolicyTable.Loaded::audited));
        out.add(perPolicyCount("restracker_policy_warnings", "Warnings: usage first past a policy's warning threshold", loaded,
                PolicyTable.Loaded::warned));
        reloads.ifPresent(r -> reloadSeries(r.status(), out));
        return new MetricSnapshots(out);
    }

    private List<PolicyTable.Loaded> loaded() {
        try {
            return view.read().policies();
        } catch (RuntimeException e) {
            return List.of(); // the tracker's own series say it cannot be read
        }
    }

    private static GaugeSnapshot perPolicy(GaugeSnapshot.Builder b, List<PolicyTable.Loaded> loaded,
            ToLongFunction<PolicyTable.Loaded> value) {
        for (PolicyTable.Loaded p : loaded) {
            b.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("policy", p.policy().name()))
                    .value(value.applyAsLong(p)).build());
        }
        return b.build();
    }

    private static CounterSnapshot perPolicyCount(String name, String help, List<PolicyTable.Loaded> loaded,
            ToLongFunction<PolicyTable.Loaded> value) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (PolicyTable.Loaded p : loaded) {
            b.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("policy", p.policy().name()))
                    .value(value.applyAsLong(p)).build());
        }
        return b.build();
    }

    private static void reloadSeries(PolicyReloads.Status s, List<MetricSnapshot> out) {
        out.add(CounterSnapshot.builder().name("restracker_policy_reloads")
                .help("Reloads of the policy directory, by result (failed: the set could not be read or applied and changed nothing)")
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("result", "applied")).value(s.applied()).build())
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("result", "failed")).value(s.failed()).build())
                .build());
        out.add(GaugeSnapshot.builder().name("restracker_policy_reload_failed")
                .help("1 when the last reload of the policy directory failed (the kernel keeps the set applied before), else 0")
                .dataPoint(GaugeDataPointSnapshot.builder().value(s.lastFailed() ? 1 : 0).build()).build());
        s.lastApplied().ifPresent(at -> out.add(GaugeSnapshot.builder().name("restracker_policy_last_applied_timestamp_seconds")
                .help("When a set from the policy directory was last applied").unit(Unit.SECONDS)
                .dataPoint(GaugeDataPointSnapshot.builder().value(at.toEpochMilli() / 1000.0).build()).build()));
        out.add(GaugeSnapshot.builder().name("restracker_policy_absent")
                .help("Policies of the directory's set left out because a path they name is absent on this machine")
                .dataPoint(GaugeDataPointSnapshot.builder().value(s.absent().size()).build()).build());
    }
}
