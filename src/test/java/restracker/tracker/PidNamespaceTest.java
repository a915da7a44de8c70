package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import restracker.sys.Errno;
import restracker.testing.Loaded;
import restracker.testing.Workload;

/**
 * Real pid reuse, made on purpose: a tracked and capped process exits, and a new process is
 * created with exactly its pid (clone3 with set_tid, as CRIU restores processes; no waiting for
 * the pid space to wrap). The new process must start untracked and unbound by the old quotas. The
 * same inside a pid namespace (a container): a process there is tracked, capped and killed by its
 * host pid, and its pid reused at both levels starts clean. PidReuseTest covers the other half: an
 * entry whose exit the kernel missed (forged there), dropped by its start time.
 */
class PidNamespaceTest {
    @Loaded
    private static ResourceTracker tracker;

    /** What the kernel holds under pid, without the start-time filter fetch applies. */
    private static boolean inKernelTables(int pid) {
        return TrackerMaps.of(tracker.state()).entities().intKeys().contains(pid)
                || TrackerMaps.of(tracker.state()).quotas().intKeys().contains(pid)
                || TrackerMaps.of(tracker.state()).groups().intKeys().contains(pid);
    }

    /** The process must be untracked: fetch refuses it, it can use what the old quota forbade, no kill. */
    private static void assertStartsClean(Workload reborn, long killsBefore) {
        int pid = reborn.pid();
        TrackerException e = assertThrows(TrackerException.class, () -> tracker.fetch(pid));
        assertEquals(Errno.EINVAL, e.errno(), "not tracked");
        for (int i = 0; i < 3; i++) reborn.open("/dev/null");
        reborn.mmap(4 << 20);
        assertTrue(reborn.alive(), "the old process's quotas do not bind the new one");
        assertEquals(killsBefore, tracker.events().total(), "no kill");
        assertFalse(inKernelTables(pid));
        assertEquals(Scope.PROCESS, tracker.register(pid), "and it can be registered afresh");
        assertEquals(0, tracker.fetch(pid).openFiles(), "counting from its registration");
        tracker.deregister(pid);
    }

    @Test
    void aReusedPidStartsUntrackedAndUnquotaed() {
        int pid;
        try (Workload old = Workload.start()) {
            pid = old.pid();
            tracker.register(pid);
            tracker.cap(pid, new Quota(1L << 20, 1), false);
            old.sendNoReply("exit 0");
            assertEquals(0, old.waitForExit());
        }
        assertFalse(inKernelTables(pid), "the exit removed the entry and its quotas");
        long kills = tracker.events().total();
        try (Workload reborn = Workload.start("--set-tid", Integer.toString(pid))) {
            assertEquals(pid, reborn.pid(), "the same pid, really reused");
            assertNotEquals(pid, (int) reborn.process().pid(), "(its launcher is another process)");
            assertStartsClean(reborn, kills);
        }
    }

    @Test
    void aProcessInAPidNamespaceIsTrackedByItsHostPidAndItsReusedPidStartsClean() {
        try (Workload init = Workload.start("--new-pidns")) {
            assertEquals(1, init.nsPids().getLast(), "the namespace's init");
            int hostPid, nsPid;
            try (Workload inner = Workload.start("--pidns-of", Integer.toString(init.pid()))) {
                List<Integer> ids = inner.nsPids();
                assertEquals(2, ids.size(), "in the host's namespace and the new one: " + ids);
                hostPid = ids.getFirst();
                nsPid = ids.getLast();
                assertNotEquals(hostPid, nsPid);
                int fds0 = inner.openFds();
                assertEquals(Scope.PROCESS, tracker.register(hostPid));
                tracker.cap(hostPid, new Quota(Quota.UNLIMITED, 1), false);
                inner.open("/dev/null");
                EntityStats s = tracker.fetch(hostPid);
                assertEquals(inner.openFds() - fds0, s.openFiles(), "counted against the host's /proc/PID/fd");
                assertEquals(1, s.openFiles());
                assertThrows(Workload.WorkloadDied.class, () -> inner.open("/dev/null"));
                assertEquals(128 + 9, inner.waitForExit(), "killed at the crossing, inside its namespace");
                KillEvent kill = tracker.events().events().getLast();
                assertEquals(hostPid, kill.pid(), "the event names the host pid");
            }
            assertFalse(inKernelTables(hostPid), "the exit removed the entry");
            long kills = tracker.events().total();
            try (Workload reborn = Workload.start("--pidns-of", Integer.toString(init.pid()),
                    "--set-tid", nsPid + "," + hostPid)) {
                assertEquals(List.of(hostPid, nsPid), reborn.nsPids(), "both pids reused");
                assertStartsClean(reborn, kills);
            }
        }
    }
}
