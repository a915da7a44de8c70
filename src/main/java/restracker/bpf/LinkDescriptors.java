package restracker.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import restracker.sys.Libc;

/**
 * The descriptors behind attached links. A pinned link must not be destroyed through libbpf (for a
 * perf-event link that disables the event, and the hook with it), so its handle is disconnected
 * and freed, which leaves the link's descriptor and its perf event's descriptor open. Kept open,
 * they would hold every hook attached until this process exits, also after `unload`, and make
 * the exit slow. libbpf does not say which descriptors a link holds, so each libbpf call that may
 * open some runs {@link #during} one lock for the whole JVM: the link and perf-event descriptors
 * that appear while it runs are that call's, and its object closes exactly those.
 */
final class LinkDescriptors {
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final ReentrantLock LIBBPF = new ReentrantLock();

    private LinkDescriptors() {}

    /** A libbpf call that may open link or perf-event descriptors. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Throwable;
    }

    /**
     * Runs call while no other such call runs in this JVM, adding to leftOpen the link and
     * perf-event descriptors it opened and did not close (also when it fails).
     */
    static <T> T during(Set<Integer> leftOpen, Call<T> call) throws Throwable {
        LIBBPF.lock();
        Set<Integer> before = open();
        try {
            return call.run();
        } finally {
            Set<Integer> after = open();
            after.removeAll(before);
            leftOpen.addAll(after);
            LIBBPF.unlock();
        }
    }

    /** Closes descriptors that {@link #during} found, under the same lock. */
    static void close(Set<Integer> fds) {
        LIBBPF.lock();
        try {
            for (int fd : fds) Libc.close(fd);
            fds.clear();
        } finally {
            LIBBPF.unlock();
        }
    }

    /** Open descriptors of BPF links and perf events. */
    static Set<Integer> open() {
        Set<Integer> fds = new HashSet<>();
        try (Stream<Path> s = Files.list(FDS)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.equals("anon_inode:bpf_link") || target.equals("anon_inode:[perf_event]")) {
                        fds.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | NumberFormatException e) {
                    // closed meanwhile (the listing's own descriptor among them): not ours
                }
            }
        } catch (IOException e) {
            return fds;
        }
        return fds;
    }
}
