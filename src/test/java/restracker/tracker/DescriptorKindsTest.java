package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import restracker.testing.Loaded;
import restracker.testing.Workload;

/**
 * openfile_count against /proc/PID/fd for each kind of descriptor the README says is counted
 * beyond files, sockets and pipes (each made by its own system call in the workload), for the
 * descriptors exec closes (O_CLOEXEC), and for heap recounted at exec: after each step the
 * tracker's figure equals the change in the process's /proc/PID/fd entries (or VmData).
 */
class DescriptorKindsTest {
    @Loaded
    static ResourceTracker tracker;

    @ParameterizedTest
    @ValueSource(strings = {"signalfd", "timerfd", "inotify", "fanotify", "userfaultfd", "perf_event", "bpf_map",
            "io_uring", "pidfd", "accept", "scm_rights"})
    void eachKindCountsAndItsCloseToo(String kind) {
        try (Workload w = Workload.start()) {
            int fds0 = w.openFds();
            tracker.register(w.pid());
            int[] made = Arrays.stream(w.send("fdkind " + kind).split(" ")).mapToInt(Integer::parseInt).toArray();
            assertEquals(fds0 + made.length, w.openFds(), "the workload made " + made.length + " descriptors of " + kind);
            assertEquals(made.length, tracker.fetch(w.pid()).openFiles(), kind + ": openfile_count = /proc/PID/fd delta");
            assertEquals(w.openFds(), tracker.fetch(w.pid()).openFds(), kind + ": absolute open fds");
            for (int fd : made) w.close(fd);
            assertEquals(fds0, w.openFds());
            assertEquals(0, tracker.fetch(w.pid()).openFiles(), kind + ": closed again");
        }
    }

    @Test
    void execClosesCloexecDescriptorsAndRecountsTheHeap() {
        try (Workload w = Workload.start()) {
            int fds0 = w.openFds();
            long vmData0 = w.vmDataBytes();
            tracker.register(w.pid());
            w.open("/dev/null");
            w.send("open_cloexec /dev/null");
            w.send("open_cloexec /dev/zero");
            w.mmap(16L << 20);
            assertEquals(3, tracker.fetch(w.pid()).openFiles());
            w.sendNoReply("exec " + Workload.binary());
            w.send("pid"); // the new image answers: exec has completed
            assertEquals(fds0 + 1, w.openFds(), "exec closed the two O_CLOEXEC descriptors, kept the other");
            EntityStats s = tracker.fetch(w.pid());
            assertEquals(1, s.openFiles(), "openfile_count = /proc/PID/fd delta after exec");
            assertEquals(Math.max(0, w.vmDataBytes() - vmData0), s.heapBytes(), "heapsize = VmData delta of the new image");
            assertEquals(w.vmDataBytes(), s.vmDataBytes(), "absolute VmData of the new image");
        }
    }
}
