package restracker.kernel;

import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
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
    private final Runnable release;

    private DirLock(Runnable release) {
        this.release = release;
    }

    /** Opens dir, checks it and waits for its lock; closing the DirLock closes the descriptor. */
    static DirLock acquire(Path dir) {
        int fd = DirFd.open(dir.toString());
        try {
            check(dir, fd);
            Libc.lockExclusive(fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        return new DirLock(() -> Libc.close(fd));
    }

    /** Refuses a directory others could open; true when it was removed since fd was opened (no link left). */
    private static boolean check(Path dir, int fd) {
        DirFd.Stat st = DirFd.stat(fd);
        if (st.uid() != 0 || (st.permissions() & 0777) != 0700) {
            throw new StateException(Errno.EACCES, "the pin directory " + dir + " is owned by uid " + st.uid()
                    + " with mode " + String.format("%04o", st.permissions()) + ": restracker locks only a directory"
                    + " owned by root with mode 0700, which no one else can open");
        }
        return st.nlink() == 0;
    }

    @Override
    public void close() {
        release.run();
    }

    /**
     * The lock of one directory for a process that changes it again and again: the directory's
     * descriptor is opened once and kept, and each {@link #lock} checks it as {@link #acquire}
     * does, then flocks it, and its close unlocks it. The threads of this process take turns
     * first (one descriptor's flock does not keep them apart), and a thread that holds the lock
     * may take it again. A directory removed since it was opened (an unload, and maybe a new load
     * at the same path) is opened anew by its path, as {@link #acquire} would open it.
     */
    static final class Kept implements AutoCloseable {
        private final Path dir;
        private final ReentrantLock threads = new ReentrantLock();
        private int fd = -1; // guarded by threads

        Kept(Path dir) {
            this.dir = dir;
        }

        DirLock lock() {
            threads.lock();
            if (threads.getHoldCount() > 1) return new DirLock(threads::unlock);
            try {
                if (fd >= 0 && check(dir, fd)) closeDescriptor();
                if (fd < 0) {
                    int opened = DirFd.open(dir.toString());
                    try {
                        check(dir, opened);
                    } catch (RuntimeException e) {
                        Libc.close(opened);
                        throw e;
                    }
                    fd = opened;
                }
                Libc.lockExclusive(fd);
            } catch (RuntimeException e) {
                threads.unlock();
                throw e;
            }
            return new DirLock(this::unlock);
        }

        private void unlock() {
            try {
                Libc.unlock(fd);
            } catch (RuntimeException e) {
                closeDescriptor(); // closing it releases the lock too
            } finally {
                threads.unlock();
            }
        }

        private void closeDescriptor() {
            Libc.close(fd);
            fd = -1;
        }

        /** Closes the descriptor, once no thread of this process holds the lock. */
        @Override
        public void close() {
            threads.lock();
            try {
                if (fd >= 0) closeDescriptor();
            } finally {
                threads.unlock();
            }
        }
    }
}
