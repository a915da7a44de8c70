package restracker.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import restracker.sys.DirFd;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.sys.NativeException;

/**
 * The pin directory as root can trust it: no one but root can have made, moved or changed any part
 * of it. Checked with lstat (no symbolic link is followed) before anything is read from it or
 * changed in it:
 * <ul>
 *   <li>each directory above it, from /, is a directory (not a symbolic link) owned by root that
 *       no one else can write to unless it is sticky (as /tmp, or /sys/fs/bpf when bpffs is
 *       mounted world-writable: then no one else can rename or remove root's entries in it);
 *   <li>the pin directory and every directory under it is owned by root with mode 0700 (the
 *       sticky bit that bpffs gives its root aside), and nothing in it is a symbolic link.
 * </ul>
 * Anything else fails with EACCES and a sentence naming the path, its owner and its mode. Since
 * only root can change what passed, the checked paths stay as checked. restracker makes its
 * directories root's with mode 0700, and removes pins by directory descriptor, never following a
 * link ({@link #removeContents}).
 */
final class PinDir {
    private static final int OTHERS_WRITE = 0022, STICKY = 01000;

    private PinDir() {}

    /** Refuses root (when it exists) or any directory above or under it that someone else controls. */
    static void requireTrusted(Path root) {
        Path pins = root.toAbsolutePath().normalize();
        Path above = pins.getRoot();
        if (!requireAncestor(above, pins)) return;
        if (pins.getParent() != null) {
            for (Path name : pins.getParent()) {
                above = above.resolve(name);
                if (!requireAncestor(above, pins)) return; // missing: so is the pin directory
            }
        }
        requireTree(pins, pins);
    }

    /** Makes every missing directory down to dir (root or one under it) root's with mode 0700, then checks root. */
    static void create(Path root, Path dir) {
        Path pins = root.toAbsolutePath().normalize();
        Path target = dir.toAbsolutePath().normalize();
        requireTrusted(pins);
        Path p = target.getRoot();
        for (Path name : target) {
            p = p.resolve(name);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) continue;
            try {
                Files.createDirectory(p);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------")); // whatever the umask
            } catch (FileAlreadyExistsException raced) {
                // made by someone else meanwhile: the check below judges it
            } catch (IOException e) {
                throw new NativeException(Errno.EACCES.number(), "cannot create the directory " + p + " for the pins: " + e);
            }
        }
        requireTrusted(pins);
    }

    /** False when p does not exist. */
    private static boolean requireAncestor(Path p, Path pins) {
        Map<String, Object> a = lstat(p);
        if (a == null) return false;
        int mode = (int) a.get("mode");
        if (isLink(mode)) {
            throw refused(p + ", above the pin directory " + pins + ", is a symbolic link (to " + target(p) + "): restracker"
                    + " follows no symbolic link on the way to its pin directory; set RESTRACKER_PIN_DIR to the real path");
        }
        if (!isDirectory(mode)) throw refused(p + ", above the pin directory " + pins + ", is not a directory");
        if ((int) a.get("uid") != 0 || (mode & OTHERS_WRITE) != 0 && (mode & STICKY) == 0) {
            throw refused(p + ", above the pin directory " + pins + ", is owned by " + owner(p, a) + " with mode "
                    + octal(mode) + ": each directory above the pin directory must be owned by root and writable by no"
                    + " one else unless it is sticky (as /sys/fs/bpf with mode 1777), or someone else could replace the"
                    + " pin directory; fix its owner or mode, or choose another RESTRACKER_PIN_DIR");
        }
        return true;
    }

    /** Checks dir (the pin directory or a directory under it) and what is under it. */
    private static void requireTree(Path dir, Path pins) {
        Map<String, Object> a = lstat(dir);
        if (a == null) return; // removed meanwhile (by root: no one else can)
        int mode = (int) a.get("mode");
        String what = dir.equals(pins) ? "the pin directory " + dir : dir + ", in the pin directory " + pins + ",";
        if (isLink(mode)) {
            throw refused(what + " is a symbolic link (to " + target(dir) + "): restracker follows no symbolic link in its"
                    + " pin directory, and made none; remove the link by hand (rm " + dir + ")");
        }
        if (!isDirectory(mode)) {
            if (dir.equals(pins)) throw refused(what + " is not a directory");
            return; // a pin
        }
        if ((int) a.get("uid") != 0 || (mode & 0777) != 0700) {
            throw refused(what + " is owned by " + owner(dir, a) + " with mode " + octal(mode) + ": restracker uses only"
                    + " directories owned by root with mode 0700 there, which no one else can open, lock or change (to"
                    + " remove or replace the pins); remove it by hand (rm -r " + dir + ") and restracker makes its own,"
                    + " or choose another RESTRACKER_PIN_DIR");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) requireTree(e, pins);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Removes everything under dir (not dir itself) by directory descriptor: a directory is opened
     * with O_NOFOLLOW relative to its parent and emptied through that descriptor, a symbolic link
     * is removed itself, never what it points to. Links detach as their last pin goes.
     */
    static void removeContents(Path dir) {
        int fd;
        try {
            fd = DirFd.open(dir.toString());
        } catch (NativeException e) {
            if (e.errno() == Errno.ENOENT) return;
            throw e;
        }
        try {
            removeContents(fd, dir);
        } finally {
            Libc.close(fd);
        }
    }

    private static void removeContents(int fd, Path where) {
        for (String name : DirFd.list(fd)) {
            DirFd.Stat st;
            try {
                st = DirFd.statAt(fd, name);
            } catch (NativeException e) {
                if (e.errno() == Errno.ENOENT) continue; // removed concurrently: that is what we wanted
                throw e;
            }
            if (st.isDirectory() && emptied(fd, name, where.resolve(name))) {
                remove(fd, name, true, where);
            } else {
                remove(fd, name, false, where);
            }
        }
    }

    /** Empties the subdirectory name of fd; false when it is no longer a directory (swapped for a link). */
    private static boolean emptied(int fd, String name, Path path) {
        int child;
        try {
            child = DirFd.openAt(fd, name);
        } catch (NativeException e) {
            if (e.rawErrno() == DirFd.ELOOP || e.errno() == Errno.ENOTDIR || e.errno() == Errno.ENOENT) return false;
            throw e;
        }
        try {
            removeContents(child, path);
            return true;
        } finally {
            Libc.close(child);
        }
    }

    private static void remove(int fd, String name, boolean directory, Path where) {
        try {
            DirFd.unlinkAt(fd, name, directory);
        } catch (NativeException e) {
            if (e.errno() == Errno.ENOENT) return;
            throw new NativeException(e.rawErrno(), "cannot remove " + where.resolve(name) + " from the pin directory: "
                    + e.getMessage());
        }
    }

    private static Map<String, Object> lstat(Path p) {
        try {
            return Files.readAttributes(p, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new NativeException(Errno.EACCES.number(), "cannot check " + p + " (on the way to the pin directory): " + e);
        }
    }

    private static boolean isLink(int mode) {
        return (mode & 0170000) == 0120000;
    }

    private static boolean isDirectory(int mode) {
        return (mode & 0170000) == 0040000;
    }

    private static String octal(int mode) {
        return String.format("%04o", mode & 07777);
    }

    private static String owner(Path p, Map<String, Object> a) {
        int uid = (int) a.get("uid");
        if (uid == 0) return "root";
        try {
            String name = Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
            return name.equals(Integer.toString(uid)) ? "uid " + uid : name + " (uid " + uid + ")";
        } catch (IOException e) {
            return "uid " + uid;
        }
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private static StateException refused(String sentence) {
        return new StateException(Errno.EACCES, sentence);
    }
}
