package restracker.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import restracker.bpf.PinnedProgram;
import restracker.sys.Errno;
import restracker.sys.NativeException;

/**
 * The sets of a variant's hooks that are attached only while they are wanted (a hook on a syscall
 * costs every task's every syscall something while it is attached). Their programs are pinned
 * under progs/ at load; a set's links are pinned under hooks/SET/. A set is attached in a
 * directory of its own, hooks/SET-partial/, renamed to hooks/SET once every link is in it, and
 * detached by renaming hooks/SET to hooks/SET-going before its links are removed: hooks/SET
 * exists exactly when the whole set is attached, whatever point a change was killed at, and what
 * an interrupted change left is removed by the next change of that set. The caller holds the pin
 * directory's lock.
 */
final class OnDemandHooks {
    /**
     * Where the programs of the hooks attached on demand are pinned, under a state's directory (and
     * those user space runs, never attached: {@link Blueprint.Program#run}).
     */
    static final String PROGRAMS = "progs";
    /** Where each attached set's links are pinned, under a state's directory. */
    static final String HOOKS = "hooks";
    /** How long an attachment waits for the kernel to release the link removed before it. */
    private static final java.time.Duration RELEASE_WAIT = java.time.Duration.ofSeconds(10);
    private static final String PARTIAL = "-partial", GOING = "-going"; // bpffs refuses names with a dot

    private OnDemandHooks() {}

    /** Whether set is attached in full at dir: one lstat. */
    static boolean attached(Path dir, String set) {
        return Files.isDirectory(dir.resolve(HOOKS).resolve(set), LinkOption.NOFOLLOW_LINKS);
    }

    /** Attaches (wanted) or detaches variant's set at dir, unless it is so already; what a killed change left goes. */
    static void set(Path dir, Blueprint.Variant variant, String set, boolean wanted) {
        Path hooks = dir.resolve(HOOKS);
        boolean attached = attached(dir, set);
        if (wanted == attached && (wanted || !leftOver(hooks, set))) return;
        removeDir(hooks.resolve(set + PARTIAL));
        removeDir(hooks.resolve(set + GOING));
        if (wanted) attach(dir, variant, set);
        else if (attached) detach(hooks, set);
    }

    private static boolean leftOver(Path hooks, String set) {
        return Files.exists(hooks.resolve(set + PARTIAL), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(hooks.resolve(set + GOING), LinkOption.NOFOLLOW_LINKS);
    }

    private static void attach(Path dir, Blueprint.Variant variant, String set) {
        Path partial = dir.resolve(HOOKS).resolve(set + PARTIAL);
        // The tracepoints are found by tracefs: unmounted since the load, none would be attached.
        if (!variant.tracepoints().isEmpty()) Mounts.ensureTracefs();
        PinDir.create(dir.getParent(), partial);
        Map<String, PinnedProgram> programs = new HashMap<>();
        try {
            for (Blueprint.Attachment a : variant.tracepoints()) {
                if (!a.onDemand().equals(set) || !Mounts.tracepointExists(a.category(), a.event())) continue;
                PinnedProgram p = program(dir, a.program(), programs);
                if (p != null) {
                    int id = tracepointId(a);
                    String link = partial.resolve(a.event()).toString();
                    whileReleasing(() -> p.attachTracepoint(id, a.category() + ":" + a.event(), link));
                }
            }
            for (Blueprint.FunctionHook f : variant.functions()) {
                if (!f.onDemand().equals(set)) continue;
                PinnedProgram p = program(dir, f.program(), programs); // not pinned: the kernel lacks the function
                if (p != null) whileReleasing(() -> p.attachTracing(partial.resolve(f.program()).toString()));
            }
        } finally {
            programs.values().forEach(p -> {
                if (p != null) p.close();
            });
        }
        move(partial, dir.resolve(HOOKS).resolve(set));
    }

    /**
     * Runs attach, again while the kernel refuses it because the program's previous link there is
     * still being released: removing a link's pin frees it a moment later (after an RCU grace
     * period, from a work queue), and until then the program is still attached (EEXIST from a
     * tracepoint, EBUSY from a trampoline). Gives up after {@link #RELEASE_WAIT}.
     */
    private static void whileReleasing(Runnable attach) {
        long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
        long sleepMs = 1;
        for (;;) {
            try {
                attach.run();
                return;
            } catch (NativeException e) {
                boolean releasing = e.errno() == Errno.EEXIST || e.errno() == Errno.EBUSY;
                if (!releasing || System.nanoTime() > deadline) throw e;
            }
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NativeException(Errno.EINTR.number(), "interrupted while attaching restracker's hooks");
            }
            sleepMs = Math.min(sleepMs * 2, 50);
        }
    }

    private static void detach(Path hooks, String set) {
        Path going = hooks.resolve(set + GOING);
        move(hooks.resolve(set), going);
        removeDir(going);
    }

    /** The pinned program, opened once per change; null where it is not pinned. */
    private static PinnedProgram program(Path dir, String name, Map<String, PinnedProgram> open) {
        if (open.containsKey(name)) return open.get(name);
        PinnedProgram p;
        try {
            p = PinnedProgram.open(dir.resolve(PROGRAMS).resolve(name).toString());
        } catch (NativeException e) {
            if (e.errno() != Errno.ENOENT) throw e;
            p = null;
        }
        open.put(name, p);
        return p;
    }

    private static int tracepointId(Blueprint.Attachment a) {
        Path id = Mounts.TRACEFS.resolve("events").resolve(a.category()).resolve(a.event()).resolve("id");
        try {
            return Integer.parseInt(Files.readString(id).trim());
        } catch (IOException | NumberFormatException e) {
            throw new NativeException(Errno.ENOENT.number(), "cannot read the id of the tracepoint " + a.category() + ":"
                    + a.event() + " from " + id + ": " + e.getMessage());
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + from + " to " + to, e);
        }
    }

    private static void removeDir(Path d) {
        if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) return;
        PinDir.removeContents(d);
        try {
            Files.delete(d);
        } catch (NoSuchFileException gone) {
            // removed meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + d, e);
        }
    }
}
