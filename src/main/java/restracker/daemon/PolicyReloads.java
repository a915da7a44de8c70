package restracker.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import restracker.policy.Policy;
import restracker.policy.PolicyDirectory;
import restracker.policy.PolicyFileException;

/**
 * {@code daemon --policies DIR}: applies the directory's policy set at start and again whenever
 * what it holds changes (a file added, edited, removed, a ConfigMap's new version swapped in),
 * noticed by inotify and, for edits it cannot see (a file behind a link), by comparing the
 * directory's fingerprint every {@link #POLL}. A set that cannot be read or applied changes
 * nothing: the kernel keeps the last set applied, the failure is logged and counted on /metrics,
 * and the set is tried again when the directory changes, or every {@link #RETRY}. A policy naming
 * an executable or a cgroup this machine does not have (a fleet's set, a pod not scheduled here)
 * is left out of the set applied, and looked for again every {@link #RETRY}.
 */
final class PolicyReloads implements AutoCloseable {
    static final Duration POLL = Duration.ofSeconds(2), RETRY = Duration.ofSeconds(30);

    /**
     * What applies a whole set, replacing the one in the kernel atomically (throws when it cannot);
     * returns the policies it left out because a path they name is absent on this machine.
     */
    interface Target {
        List<String> replaceAll(List<Policy> policies);
    }

    /** The outcome of the reloads so far; absent: the policies of the set applied that this machine lacks a path of. */
    record Status(long applied, long failed, boolean lastFailed, Optional<String> lastError, Optional<Instant> lastApplied,
            int policies, List<String> absent) {}

    private final Path dir;
    private final Target target;
    private final PrintStream log;
    private final WatchService watcher;
    private final Thread thread;
    private volatile Status status = new Status(0, 0, false, Optional.empty(), Optional.empty(), 0, List.of());
    private String appliedFingerprint;
    private Instant lastAttempt = Instant.MIN;

    private PolicyReloads(Path dir, Target target, PrintStream log, WatchService watcher) {
        this.dir = dir;
        this.target = target;
        this.log = log;
        this.watcher = watcher;
        this.thread = Thread.ofVirtual().name("restracker-policy-reloads").unstarted(this::watch);
    }

    /** Applies dir's set once (a failure is logged, not thrown), then watches dir until closed. */
    static PolicyReloads start(Path dir, Target target, PrintStream log) {
        WatchService watcher;
        try {
            watcher = FileSystems.getDefault().newWatchService();
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException e) {
            throw new PolicyFileException("cannot watch the policy directory " + dir + ": " + e.getMessage());
        }
        PolicyReloads r = new PolicyReloads(dir, target, log, watcher);
        r.reloadIfChanged();
        r.thread.start();
        return r;
    }

    Status status() {
        return status;
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                try {
                    reloadIfChanged();
                } catch (RuntimeException e) {
                    // the directory could not even be looked at (a fingerprint, not a set): keep watching
                    log.println("restracker: cannot look at the policy directory " + dir + ": " + e);
                    log.flush();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closed
        }
    }

    private synchronized void reloadIfChanged() {
        String fingerprint = PolicyDirectory.fingerprint(dir);
        boolean changed = !fingerprint.equals(appliedFingerprint);
        boolean retry = (status.lastFailed() || !status.absent().isEmpty()) && Instant.now().isAfter(lastAttempt.plus(RETRY));
        if (!changed && !retry) return;
        lastAttempt = Instant.now();
        appliedFingerprint = fingerprint;
        Status s = status;
        try {
            List<Policy> set = PolicyDirectory.read(dir);
            List<String> absent = List.copyOf(target.replaceAll(set));
            int applied = set.size() - absent.size();
            if (changed || !absent.equals(s.absent()) || s.lastFailed()) {
                log.println("restracker: applied " + applied + " " + (applied == 1 ? "policy" : "policies") + " from " + dir
                        + (absent.isEmpty() ? "" : "; left out, a path they name being absent here (looked for again every "
                                + RETRY.toSeconds() + " s): " + String.join(", ", absent)));
                log.flush();
            }
            status = new Status(s.applied() + 1, s.failed(), false, Optional.empty(), Optional.of(Instant.now()), applied, absent);
        } catch (RuntimeException e) {
            log.println("restracker: the policies in " + dir + " were not applied (the kernel keeps the "
                    + s.policies() + " applied before): " + e.getMessage());
            log.flush();
            status = new Status(s.applied(), s.failed() + 1, true, Optional.ofNullable(e.getMessage()), s.lastApplied(), s.policies(),
                    s.absent());
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing
        }
        thread.interrupt();
    }
}
