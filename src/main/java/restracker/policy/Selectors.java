package restracker.policy;

import static restracker.sys.Errno.EINVAL;
import static restracker.sys.Errno.ENOENT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import restracker.kernel.PolicyRecords;
import restracker.sys.Libc;
import restracker.tracker.TrackerException;

/**
 * A policy's selectors as the kernel side matches them, resolved when the policy is added: the
 * executable to the device and inode of the file the path names now (so a copy elsewhere, another
 * inode, never matches, and a path replaced later matches again only once the policy is applied
 * anew), the cgroup to the inode number of its cgroup2 directory (what the kernel calls the
 * cgroup's id), a user name to its uid.
 *
 * @param exeDev the executable's device in the kernel's encoding (major &lt;&lt; 20 | minor), as the
 *     kernel side reads it from the superblock
 */
public record Selectors(int kinds, int exeDev, long exeIno, long cgroupId, int uid) {
    /** statfs f_type of a cgroup v2 file system. */
    static final long CGROUP2_SUPER_MAGIC = 0x63677270L;

    /**
     * Resolves p's selectors; a path that does not exist is ENOENT, one of the wrong kind (not a
     * regular file, not a cgroup2 directory) or an unknown user EINVAL, each in one sentence.
     */
    public static Selectors resolve(Policy p) {
        Match m = p.match();
        int kinds = 0, dev = 0, uid = 0;
        long ino = 0, cgroup = 0;
        if (m.exe().isPresent()) {
            Path exe = m.exe().get();
            Map<String, Object> a = attributes(p, "exe", exe);
            if (!Files.isRegularFile(exe)) {
                throw new TrackerException(EINVAL, "cannot add policy " + p.name() + ": exe " + exe + " is not a regular file");
            }
            kinds |= PolicyRecords.SEL_EXE;
            dev = kernelDev((Long) a.get("dev"));
            ino = (Long) a.get("ino");
        }
        if (m.cgroup().isPresent()) {
            Path dir = m.cgroup().get();
            Map<String, Object> a = attributes(p, "cgroup", dir);
            if (!Files.isDirectory(dir) || Libc.fileSystemType(dir.toString()) != CGROUP2_SUPER_MAGIC) {
                throw new TrackerException(EINVAL, "cannot add policy " + p.name() + ": cgroup " + dir
                        + " is not a directory of a cgroup v2 file system");
            }
            kinds |= PolicyRecords.SEL_CGROUP;
            cgroup = (Long) a.get("ino");
        }
        OptionalInt u = m.uid().isPresent() ? m.uid() : m.user().map(n -> OptionalInt.of(uidOf(p, n))).orElse(OptionalInt.empty());
        if (u.isPresent()) {
            kinds |= PolicyRecords.SEL_UID;
            uid = u.getAsInt();
        }
        return new Selectors(kinds, dev, ino, cgroup, uid);
    }

    private static Map<String, Object> attributes(Policy p, String selector, Path path) {
        if (path.toString().getBytes(StandardCharsets.UTF_8).length >= PolicyRecords.POLICY_PATH_LEN) {
            throw new TrackerException(EINVAL, "cannot add policy " + p.name() + ": the " + selector + " path is longer than "
                    + (PolicyRecords.POLICY_PATH_LEN - 1) + " bytes");
        }
        try {
            return Files.readAttributes(path, "unix:dev,ino");
        } catch (NoSuchFileException e) {
            throw new TrackerException(ENOENT, "cannot add policy " + p.name() + ": " + selector + " " + path
                    + " does not exist");
        } catch (IOException e) {
            throw new TrackerException(EINVAL, "cannot add policy " + p.name() + ": cannot read " + selector + " " + path
                    + ": " + e.getMessage());
        }
    }

    /** The kernel's dev_t of a stat(2) st_dev (glibc's encoding: major in bits 8-19 and 32-63, minor in 0-7 and 20-31). */
    static int kernelDev(long st) {
        long major = ((st >>> 8) & 0xfff) | ((st >>> 32) & ~0xfffL);
        long minor = (st & 0xff) | ((st >>> 12) & ~0xffL);
        return (int) ((major << 20) | minor);
    }

    /** The uid of user name, from /etc/passwd. */
    private static int uidOf(Policy p, String name) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] f = line.split(":", -1);
                if (f.length > 2 && f[0].equals(name)) return Integer.parseInt(f[2]);
            }
        } catch (IOException | NumberFormatException e) {
            // reported below as unknown
        }
        throw new TrackerException(EINVAL, "cannot add policy " + p.name() + ": there is no user named " + name + "");
    }
}
