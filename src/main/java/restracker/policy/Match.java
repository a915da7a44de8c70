package restracker.policy;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which processes a policy holds; every selector given must match. {@code exe} is the executable
 * file itself (resolved to its device and inode when the policy is applied), {@code children}
 * extends it to the descendants of such a process whatever they exec; {@code cgroup} is a cgroup v2
 * directory and every cgroup below it; {@code uid} the real uid ({@code user} is a name that
 * resolves to one when the policy is applied).
 */
public record Match(Optional<Path> exe, boolean children, Optional<Path> cgroup, OptionalInt uid, Optional<String> user) {
    public Match {
        if (exe.isEmpty() && cgroup.isEmpty() && uid.isEmpty() && user.isEmpty()) {
            throw new IllegalArgumentException("a policy must select processes by exe, cgroup, uid or user");
        }
        if (children && exe.isEmpty()) throw new IllegalArgumentException("children applies to an exe selector only");
        if (uid.isPresent() && user.isPresent()) throw new IllegalArgumentException("give uid or user, not both");
        exe.ifPresent(p -> requireAbsolute("exe", p));
        cgroup.ifPresent(p -> requireAbsolute("cgroup", p));
        if (uid.isPresent() && uid.getAsInt() < 0) throw new IllegalArgumentException("uid " + uid.getAsInt() + " is negative");
    }

    private static void requireAbsolute(String selector, Path p) {
        if (!p.isAbsolute()) throw new IllegalArgumentException(selector + " must be an absolute path, not " + p);
        if (!p.normalize().equals(p)) throw new IllegalArgumentException(selector + " must be a plain path (no . or ..), not " + p);
    }
}
