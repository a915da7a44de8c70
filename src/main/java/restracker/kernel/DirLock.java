package restracker.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import restracker.bpf.Libc;

/** An exclusive flock on the pin directory, held until closed (or until the process dies). */
public final class DirLock implements AutoCloseable {
    /** Pins are root's alone: only root may read usage or change quotas. */
    static final FileAttribute<Set<PosixFilePermission>> ROOT_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final int fd;

    private DirLock(int fd) {
        this.fd = fd;
    }

    static DirLock acquire(Path dir) {
        try {
            // Checked first: createDirectories on an existing directory costs a thrown exception.
            if (!Files.isDirectory(dir)) Files.createDirectories(dir, ROOT_ONLY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the pin directory " + dir, e);
        }
        int fd = Libc.openDirectory(dir.toString());
        try {
            Libc.lockExclusive(fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        return new DirLock(fd);
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
