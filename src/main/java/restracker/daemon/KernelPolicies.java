package restracker.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import restracker.policy.Policy;
import restracker.policy.PolicyTable;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerHooks;

/**
 * The daemon's way to the kernel's policy set: each set replaces the one loaded, through the
 * pinned state opened for that change alone (the daemon holds nothing between changes). Policies
 * naming an executable or a cgroup this machine lacks are left out (see {@link PolicyReloads}).
 */
final class KernelPolicies implements PolicyReloads.Target {
    private final Path pinDir;
    private final List<TrackerHooks> hooks;

    KernelPolicies(Path pinDir, List<TrackerHooks> hooks) {
        this.pinDir = pinDir;
        this.hooks = List.copyOf(hooks);
    }

    @Override
    public List<String> replaceAll(List<Policy> policies) {
        List<Policy> present = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (Policy p : policies) {
            Optional<Path> missing = missingPath(p);
            if (missing.isPresent()) absent.add(p.name() + " (" + missing.get() + ")");
            else present.add(p);
        }
        try (ResourceTracker tracker = ResourceTracker.open(pinDir, hooks)) {
            new PolicyTable(tracker).replaceAll(present);
        }
        return absent;
    }

    private static Optional<Path> missingPath(Policy p) {
        for (Optional<Path> path : List.of(p.match().exe(), p.match().cgroup())) {
            if (path.isPresent() && !Files.exists(path.get())) {
                return path;
            }
        }
        return Optional.empty();
    }
}
