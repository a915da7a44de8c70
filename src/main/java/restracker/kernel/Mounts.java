package restracker.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import restracker.bpf.Libc;

/** bpffs and tracefs may be unmounted on a fresh boot: mount them where restracker needs them. */
final class Mounts {
    static final Path BPFFS = Path.of("/sys/fs/bpf");
    static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    private Mounts() {}

    /** Mounts bpffs on /sys/fs/bpf when dir lives there and nothing is mounted yet. */
    static void ensureBpffs(Path dir) {
        if (!dir.toAbsolutePath().startsWith(BPFFS)) return;
        if (Libc.fileSystemType(BPFFS.toString()) != Libc.BPF_FS_MAGIC) {
            Libc.mount("bpf", BPFFS.toString(), "bpf");
        }
    }

    static void ensureTracefs() {
        if (Files.isDirectory(TRACEFS.resolve("events"))) return;
        if (Libc.fileSystemType(TRACEFS.toString()) != Libc.TRACEFS_MAGIC) {
            Libc.mount("nodev", TRACEFS.toString(), "tracefs");
        }
    }

    static boolean tracepointExists(String category, String event) {
        return Files.isDirectory(TRACEFS.resolve("events").resolve(category).resolve(event));
    }
}
