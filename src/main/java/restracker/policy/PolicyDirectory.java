package restracker.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A directory of policy files, the whole policy set of a machine: every {@code *.yaml} file in it
 * (a Kubernetes ConfigMap mounted there works as is: its entries are root's symbolic links into a
 * directory of root's files). Policies kill processes, so the directory is read only when no user
 * but root could have written what it reads:
 * <ul>
 *   <li>the directory and those above it are root's, and writable by nobody else unless sticky
 *       (as /tmp, or a ConfigMap's mount point), so that another user's entries are their own and
 *       refused below;
 *   <li>each entry (the file, or the symbolic link) is root's;
 *   <li>the file it leads to is root's and writable by root alone, and so is every directory on
 *       its path (or sticky), so that no other user can swap any part of it between the checks and
 *       the read.
 * </ul>
 * Any failure refuses the whole set with one sentence naming the file: nothing is half applied.
 */
public final class PolicyDirectory {
    private static final int GROUP_OR_OTHER_WRITE = 0022, STICKY = 01000;

    private PolicyDirectory() {}

    /** Every policy of dir's *.yaml files, in file-name order; PolicyFileException when the set cannot be used. */
    public static List<Policy> read(Path dir) {
        List<Policy> all = new ArrayList<>();
        Map<String, Path> definedIn = new HashMap<>();
        for (Path file : files(dir)) {
            for (Policy p : PolicyFile.read(file)) {
                Path other = definedIn.putIfAbsent(p.name(), file);
                if (other != null) {
                    throw new PolicyFileException("policy " + p.name() + " is defined in both " + other + " and " + file);
                }
                all.add(p);
            }
            if (all.size() > PolicyFile.MAX_POLICIES) {
                throw new PolicyFileException(dir + " holds more than " + PolicyFile.MAX_POLICIES + " policies");
            }
        }
        return List.copyOf(all);
    }

    /**
     * What read would see, cheaply: each file's name, size and modification time (after links), so
     * that a watcher reapplies a set only when it changed. Empty when the directory cannot be listed.
     */
    public static String fingerprint(Path dir) {
        StringBuilder b = new StringBuilder();
        try {
            for (Path file : list(dir).values()) {
                b.append(file.getFileName()).append('\0');
                try {
                    b.append(Files.getLastModifiedTime(file).toMillis()).append('\0').append(Files.size(file))
                            .append('\0').append(file.toRealPath()).append('\n');
                } catch (IOException gone) {
                    b.append("?\n");
                }
            }
        } catch (PolicyFileException e) {
            return "";
        }
        return b.toString();
    }

    private static List<Path> files(Path dir) {
        try {
            for (Path d = dir.toRealPath(); d != null; d = d.getParent()) requireRootOnly(d, true);
        } catch (IOException e) {
            throw new PolicyFileException("cannot read the policy directory " + dir + ": " + e.getMessage());
        }
        List<Path> out = new ArrayList<>();
        for (Path entry : list(dir).values()) {
            if (uid(entry) != 0) {
                throw new PolicyFileException(entry + " is not root's: a policy file must be written by root alone");
            }
            Path real;
            try {
                real = entry.toRealPath();
            } catch (IOException e) {
                throw new PolicyFileException("cannot read " + entry + ": " + e.getMessage());
            }
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new PolicyFileException(entry + " is not a regular file");
            }
            requireRootOnly(real, false);
            for (Path d = real.getParent(); d != null; d = d.getParent()) requireRootOnly(d, true);
            out.add(entry);
        }
        return out;
    }

    /** dir's *.yaml entries by name (hidden names, such as a ConfigMap's ..data, are not policy files). */
    private static TreeMap<String, Path> list(Path dir) {
        TreeMap<String, Path> byName = new TreeMap<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.yaml")) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".")) byName.put(name, p);
            }
        } catch (IOException e) {
            throw new PolicyFileException("cannot list the policy directory " + dir + ": " + e.getMessage());
        }
        return byName;
    }

    private static void requireRootOnly(Path p, boolean stickyWillDo) {
        int mode = (Integer) attribute(p, "unix:mode");
        if (uid(p) != 0) {
            throw new PolicyFileException(p + " is not root's: policies are read only from what root alone can write");
        }
        if ((mode & GROUP_OR_OTHER_WRITE) != 0 && !(stickyWillDo && (mode & STICKY) != 0)) {
            throw new PolicyFileException(p + " is writable by users other than root (mode " + Integer.toOctalString(mode & 07777)
                    + "): policies are read only from what root alone can write");
        }
    }

    private static int uid(Path p) {
        return (Integer) attribute(p, "unix:uid");
    }

    /** An attribute of p itself (a link's own, not its target's). */
    private static Object attribute(Path p, String name) {
        try {
            return Files.getAttribute(p, name, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new PolicyFileException("cannot read " + p + ": " + e.getMessage());
        }
    }
}
