package restracker.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import restracker.sys.Errno;
import restracker.sys.Libc;

/** bpffs and tracefs may be unmounted on a fresh boot: mount them where restracker needs them. */
final class Mounts {
    static final Path BPFFS = Path.of("/sys/fs/bpf");
    static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    private Mounts() {}

    /**
     * Mounts bpffs on /sys/fs/bpf when dir lives there and nothing is mounted yet: with mode 0700
     * (bpffs adds the sticky bit: 1700), as systemd mounts it, so that no one else can make
     * directories there (without the option bpffs is world-writable, mode 1777).
     */
    static void ensureBpffs(Path dir) {
        if (!dir.toAbsolutePath().startsWith(BPFFS)) return;
        if (Libc.fileSystemType(BPFFS.toString()) != Libc.BPF_FS_MAGIC) {
            Libc.mount("bpf", BPFFS.toString(), "bpf", "mode=0700");
        }
    }

    /**
     * Refuses a pin directory that is not on bpffs (its nearest existing ancestor is checked, since
     * it may not exist yet), e.g. one whose bpffs was unmounted behind restracker's back: pins
     * cannot live there, and whatever was pinned has gone with the mount. Without this check a load
     * would be tried and fail on its first pin with a misleading error. /sys/fs/bpf itself unmounted
     * (a fresh boot) is not refused here: {@link #ensureBpffs} mounts it for a load.
     */
    static void requireBpffs(Path root) {
        Path p = root.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null || p.startsWith(BPFFS) && Libc.fileSystemType(BPFFS.toString()) != Libc.BPF_FS_MAGIC) return;
        if (Libc.fileSystemType(p.toString()) == Libc.BPF_FS_MAGIC) return;
        throw new StateException(Errno.ENODEV, "the pin directory " + root + " is not on a BPF filesystem (was its"
                + " bpffs unmounted? what was pinned there has gone with it): mount one there (mount -t bpf bpf "
                + root + ") or choose another RESTRACKER_PIN_DIR");
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
