package restracker.kernel;

import java.nio.file.Path;
import restracker.sys.DirFd;
import restracker.sys.Errno;
import restracker.sys.Libc;

/**
 * An exclusive flock on a directory of the pin directory, held until closed (or until the process
 * dies). The directory must exist ({@link PinDir#create} makes it). It is opened without following
 * a symbolic link and, before the lock is waited for, checked through that descriptor to be root's
 * with mode 0700: no one else can then open it, so no one else can hold its lock and make root wait.
 */
public final class DirLock implements AutoCloseable {
    private final int fd;

    private DirLock(int fd) {
        this.fd = fd;
    }

    static DirLock acquire(Path dir) {
        int fd = DirFd.open(dir.toString());
        try {
            DirFd.Stat st = DirFd.stat(fd);
            if (st.uid() != 0 || (st.permissions() & 0777) != 0700) {
                throw new StateException(Errno.EACCES, "the pin directory " + dir + " is owned by uid " + st.uid()
                        + " with mode " + String.format("%04o", st.permissions()) + ": restracker locks only a directory"
                        + " owned by root with mode 0700, which no one else can open");
            }
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
