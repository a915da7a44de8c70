package restracker.seedabi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The absolute path an openat(dirfd, path) of a thread names, made lexically (".", "..", "//"):
 * a relative path is taken from the thread's working directory (AT_FDCWD) or from dirfd's path.
 * Enough to recognise /dev/tracer and /proc/tracer, which no symbolic link leads to on a normal
 * system; any other open goes on unchanged, whatever it names.
 */
final class OpenedPath {
    static final int AT_FDCWD = -100;

    private OpenedPath() {}

    static Optional<String> of(int tid, int dirfd, String path) {
        if (path.isEmpty()) return Optional.empty();
        if (path.startsWith("/")) return Optional.of(Path.of(path).normalize().toString());
        Path proc = Path.of("/proc", Integer.toString(tid));
        Path base = dirfd == AT_FDCWD ? proc.resolve("cwd") : proc.resolve("fd").resolve(Integer.toString(dirfd));
        try {
            Path dir = Files.readSymbolicLink(base);
            if (!dir.isAbsolute()) return Optional.empty(); // not a directory ("pipe:[...]" and the like)
            return Optional.of(dir.resolve(path).normalize().toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
