package restracker.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The descriptors behind attached links. A pinned link must not be destroyed through libbpf (for a
 * perf-event link that disables the event, and the hook with it), so its handle is disconnected
 * and freed, which leaves the link's descriptor and its perf event's descriptor open. Kept open,
 * they would hold every hook attached until this process exits, also after `unload`, and make
 * the exit slow. This finds them by kind in /proc/self/fd and closes those a load opened.
 */
final class LinkDescriptors {
    private static final Path FDS = Path.of("/proc/self/fd");

    private LinkDescriptors() {}

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

    /** Closes the link and perf-event descriptors opened since `before` was taken. */
    static void closeAllBut(Set<Integer> before) {
        for (int fd : open()) {
            if (!before.contains(fd)) Libc.close(fd);
        }
    }
}
