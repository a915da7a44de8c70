package restracker.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import restracker.bpf.BpfMap;
import restracker.bpf.PinnedProgram;
import restracker.bpf.ProcessIterator;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.sys.NativeException;

/**
 * The kernel-resident state of one BPF object (see {@link Blueprint}): its maps and links pinned
 * under &lt;pin directory&gt;/&lt;name&gt;/ on bpffs (default /sys/fs/bpf/restracker). Loading pins
 * everything and writes the meta record last, so a directory without a valid meta record is an
 * interrupted load and is replaced. Every change of the pin set happens under an exclusive flock
 * on that directory.
 */
public final class PinnedState implements AutoCloseable {
    public static final Path DEFAULT_DIR = Path.of("/sys/fs/bpf/restracker");
    public static final String VERSION = versionString();

    private final Path dir;
    private final Map<String, BpfMap> maps = new LinkedHashMap<>();
    private final Record typedMaps;
    private final Meta meta;
    private final Blueprint blueprint;
    private final DirLock.Kept lock;
    /** Each pinned iterator's program, for runs over one process; empty where the kernel refused one. */
    private final Map<String, Optional<ProcessIterator>> processIterators = new HashMap<>();
    private final List<ProcessIterator> refused = new ArrayList<>();
    /** Each pinned program run by {@link #runProgram}; empty where it is not pinned or the kernel refused a run. */
    private final Map<String, Optional<PinnedProgram>> runPrograms = new HashMap<>();
    private final List<PinnedProgram> refusedPrograms = new ArrayList<>();

    /** What the meta record says of the restracker that loaded the state. */
    public record Meta(int abiVersion, String version, Instant loadedAt, int links) {}

    private PinnedState(Path dir, Blueprint blueprint, Meta meta) {
        this.dir = dir;
        this.meta = meta;
        this.blueprint = blueprint;
        this.lock = new DirLock.Kept(dir);
        Record typed;
        try {
            ObjectMaps.requireDefined(blueprint);
            for (String name : blueprint.mapNames()) maps.put(name, open(name, blueprint));
            typed = MapRecord.of(blueprint.maps(), maps::get);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.typedMaps = typed;
    }

    /** Opens blueprint's pinned state under root, loading and pinning it first if it is absent. */
    public static PinnedState openOrLoad(Path root, Blueprint blueprint) {
        requireRoot();
        Mounts.ensureBpffs(root);
        Mounts.requireBpffs(root);
        PinDir.requireTrusted(root);
        Path dir = root.resolve(blueprint.name());
        Optional<Meta> meta = readMeta(dir, blueprint);
        if (meta.isEmpty()) {
            PinDir.create(root, dir);
            try (DirLock lock = DirLock.acquire(dir)) {
                meta = readMeta(dir, blueprint);
                if (meta.isEmpty()) {
                    removePins(dir);
                    meta = Optional.of(load(dir, blueprint));
                }
            }
        }
        return new PinnedState(dir, blueprint, checkCompatible(dir, blueprint, meta.get()));
    }

    /** Opens blueprint's pinned state under root if it is loaded; never loads. */
    public static Optional<PinnedState> openExisting(Path root, Blueprint blueprint) {
        requireRoot();
        if (Libc.fileSystemType(Mounts.BPFFS.toString()) != Libc.BPF_FS_MAGIC && root.startsWith(Mounts.BPFFS)) {
            return Optional.empty();
        }
        Mounts.requireBpffs(root);
        PinDir.requireTrusted(root);
        Path dir = root.resolve(blueprint.name());
        return readMeta(dir, blueprint).map(m -> new PinnedState(dir, blueprint, checkCompatible(dir, blueprint, m)));
    }

    /**
     * Unpins everything under root (links detach, maps go); false when nothing was there. A pin
     * directory root cannot trust is refused (see {@link PinDir}), and nothing in it is touched.
     */
    public static boolean unload(Path root) {
        requireRoot();
        PinDir.requireTrusted(root);
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return false;
        try (DirLock lock = DirLock.acquire(root)) {
            removePins(root);
        }
        try {
            Files.deleteIfExists(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    public Path dir() {
        return dir;
    }

    public Meta meta() {
        return meta;
    }

    /**
     * Whether what is pinned at this state's directory is still what was opened: false once it was
     * unloaded (or unloaded and loaded again: another load time), and the same refusals as at the
     * opening when hooks of it have gone since. For a reader that holds the state open between readings.
     */
    public boolean stillCurrent() {
        if (!readMeta(dir, blueprint).equals(Optional.of(meta))) return false;
        checkCompatible(dir, blueprint, meta);
        return true;
    }

    /**
     * The blueprint's maps, each opened for the lifetime of this state: its record of maps (type),
     * made once when the state was opened.
     */
    public <M extends Record> M maps(Class<M> type) {
        if (type != blueprint.maps()) {
            throw new IllegalArgumentException("the state at " + dir + " holds " + blueprint.maps().getName() + ", not " + type.getName());
        }
        return type.cast(typedMaps);
    }

    /** One of the blueprint's maps by name (a stage loaded onto this state reuses them by name). */
    BpfMap map(String name) {
        BpfMap m = maps.get(name);
        if (m == null) throw new IllegalArgumentException("no map " + name + " in " + dir);
        return m;
    }

    /**
     * Serialises changes that read, then write (register, cap, deregister): with other processes
     * by the directory's flock, whose descriptor this state keeps for all its changes, and with
     * the other threads of this process.
     */
    public DirLock lock() {
        return lock.lock();
    }

    /**
     * Runs the pinned iterator program's link under links/ (an iter program: reading the pinned
     * link runs it over every task); false when it is not pinned here.
     */
    public boolean runIterator(String program) {
        Path path = dir.resolve("links").resolve(program);
        try (var in = Files.newInputStream(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #runIterator(String)}, over the threads of process pid alone where the kernel makes
     * such an iterator (see {@link ProcessIterator}); elsewhere over every task, as the pinned link
     * runs. A run over one process costs a few system calls, one over every task a visit per task.
     */
    public boolean runIterator(String program, int pid) {
        Optional<ProcessIterator> it = processIterator(program);
        if (it.isPresent()) {
            try {
                it.get().run(pid);
                return true;
            } catch (NativeException e) {
                // Refused by this kernel: every task from now on. Its descriptor stays open until
                // close, as another thread may be using it.
                synchronized (processIterators) {
                    processIterators.put(program, Optional.empty());
                    refused.add(it.get());
                }
            }
        }
        return runIterator(program);
    }

    private Optional<ProcessIterator> processIterator(String program) {
        synchronized (processIterators) {
            Optional<ProcessIterator> it = processIterators.get(program);
            if (it != null) return it;
            try {
                it = Optional.of(ProcessIterator.ofPinnedLink(dir.resolve("links").resolve(program).toString()));
            } catch (NativeException e) {
                if (e.errno() == Errno.ENOENT) return Optional.empty(); // not pinned (yet): asked again next time
                it = Optional.empty();
            }
            processIterators.put(program, it);
            return it;
        }
    }

    /**
     * Runs the syscall program pinned under progs/ (a {@link Blueprint.Program} with run) with arg
     * as its context, one system call: what it returned, or empty when it is not pinned here (a
     * kernel that did not take it, or a state loaded by an earlier restracker) or the kernel
     * refused to run it (then never again on this state). The program is opened at the first run.
     */
    public OptionalInt runProgram(String program, int arg) {
        Optional<PinnedProgram> p;
        synchronized (runPrograms) {
            p = runPrograms.computeIfAbsent(program, name -> {
                try {
                    return Optional.of(PinnedProgram.open(dir.resolve(OnDemandHooks.PROGRAMS).resolve(name).toString()));
                } catch (NativeException e) {
                    return Optional.empty(); // not pinned at this load: stays so while this state is open
                }
            });
        }
        if (p.isEmpty()) return OptionalInt.empty();
        try {
            return OptionalInt.of(p.get().run(arg));
        } catch (NativeException e) {
            // Its descriptor stays open until close, as another thread may be running it.
            synchronized (runPrograms) {
                runPrograms.put(program, Optional.empty());
                refusedPrograms.add(p.get());
            }
            return OptionalInt.empty();
        }
    }

    /** The names of the pinned links (one per attached hook). */
    public List<String> links() {
        return names(dir.resolve("links"));
    }

    /** The pins are root's alone (bpffs mode 0700); without root nothing can be read or changed. */
    private static void requireRoot() {
        if (Libc.geteuid() != 0) {
            throw new StateException(Errno.EPERM, "restracker's kernel state belongs to root: run restracker as root");
        }
    }

    private BpfMap open(String name, Blueprint blueprint) {
        BpfMap map;
        try {
            map = BpfMap.openPinned(dir.resolve(name).toString());
        } catch (NativeException e) {
            if (e.errno() != Errno.ENOENT) throw e;
            throw new StateException(Errno.ENODEV, "the pinned map " + dir.resolve(name) + " has gone"
                    + " (removed behind restracker's back?): run `restracker unload` and try again");
        }
        try {
            ObjectMaps.requireAsDefined(dir.resolve(name), name, map, blueprint);
            return map;
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    private static Meta checkCompatible(Path dir, Blueprint blueprint, Meta meta) {
        if (meta.abiVersion() != blueprint.abiVersion()) {
            throw new StateException(Errno.EOPNOTSUPP, "the state pinned at " + dir + " was loaded by restracker "
                    + meta.version() + " with an incompatible layout (ABI " + meta.abiVersion() + ", this is ABI "
                    + blueprint.abiVersion() + "): run `restracker unload` (this ends all tracking) and try again");
        }
        int links = countLinks(dir);
        if (links < meta.links()) {
            // An unpinned link detaches its hook: those syscalls go uncounted, and answers would be wrong.
            throw new StateException(Errno.ENODEV, (meta.links() - links) + " of the " + meta.links() + " hooks pinned under "
                    + dir.resolve("links") + " have gone (removed behind restracker's back?), so what they hooked is no"
                    + " longer counted: run `restracker unload` (this ends all tracking) and try again");
        }
        return meta;
    }

    private static int countLinks(Path dir) {
        try (Stream<Path> s = Files.list(dir.resolve("links"))) {
            return (int) s.count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The meta record, or empty when nothing (or an interrupted load) is pinned at dir. */
    static Optional<Meta> readMeta(Path dir, Blueprint blueprint) {
        Path path = dir.resolve("meta");
        if (!Files.exists(path)) return Optional.empty();
        try (BpfMap map = BpfMap.openPinned(path.toString()); Arena arena = Arena.ofConfined()) {
            ObjectMaps.requireAsDefined(path, "meta", map, blueprint);
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment value = MetaRecord.allocate(arena);
            if (!map.lookup(key, value)) return Optional.empty();
            if (MetaRecord.magic(value) != Records.MAGIC) return Optional.empty();
            return Optional.of(new Meta(MetaRecord.abiVersion(value), MetaRecord.version(value),
                    Instant.EPOCH.plusNanos(MetaRecord.loadedNs(value)), MetaRecord.links(value)));
        } catch (NativeException e) {
            if (e.errno() == Errno.ENOENT) return Optional.empty();
            throw e;
        }
    }

    private static Meta load(Path dir, Blueprint blueprint) {
        ObjectMaps.requireDefined(blueprint);
        Mounts.ensureTracefs();
        Loader.load(dir, blueprint);
        Instant now = Instant.now();
        int links = countLinks(dir);
        writeMeta(dir, blueprint, now, links);
        return new Meta(blueprint.abiVersion(), VERSION, now, links);
    }

    /** What an entry hook of a {@link Blueprint.Stage} got: the kind of program and the function it hooks. */
    public record Hooked(Blueprint.EntryKind kind, String function) {}

    /**
     * What a stage's load got: each entry hook that is hooked, by its name, and why the others are
     * not (empty when nothing is missing).
     */
    public record StageLoad(Map<String, Hooked> hooked, String reason) {}

    /**
     * Loads stage onto this state's maps, its links pinned beside this state's, each entry hook
     * by the first kind in kinds (in that order) that the kernel loads and attaches; a stage
     * half-loaded before is removed first. The caller holds {@link #lock}.
     */
    public StageLoad loadStage(Blueprint.Stage stage, List<Blueprint.EntryKind> kinds) {
        return Loader.loadStage(dir, blueprint.linkNames(), this::map, stage, kinds);
    }

    /**
     * The variant of blueprint whose hooks are pinned here, by the names of the pinned links; empty
     * for a blueprint without variants or when none of their links is pinned.
     */
    public Optional<Blueprint.Variant> attachedVariant(Blueprint blueprint) {
        Set<String> pinned = new HashSet<>(links());
        Set<String> programs = new HashSet<>(names(dir.resolve(OnDemandHooks.PROGRAMS)));
        for (Blueprint.Variant v : blueprint.variants()) {
            boolean any = v.tracepoints().stream().anyMatch(a -> a.onDemand().isEmpty() ? pinned.contains(a.event())
                    : programs.contains(a.program()))
                    || v.functions().stream().anyMatch(f -> f.onDemand().isEmpty() ? pinned.contains(f.program())
                            : programs.contains(f.program()));
            if (any) return Optional.of(v);
        }
        return Optional.empty();
    }

    /**
     * Attaches (wanted) or detaches variant's hooks that belong to set (see
     * {@link Blueprint.Attachment#onDemand}); variant is the one loaded here ({@link #attachedVariant}).
     * Nothing to do costs a system call or two. The caller holds {@link #lock}.
     */
    public void setHooks(Blueprint.Variant variant, String set, boolean wanted) {
        OnDemandHooks.set(dir, variant, set, wanted);
    }

    /** Whether set's hooks are attached, all of them. */
    public boolean hooksAttached(String set) {
        return OnDemandHooks.attached(dir, set);
    }

    /** The names of the links pinned for set while it is attached. */
    public List<String> hookLinks(String set) {
        return names(dir.resolve(OnDemandHooks.HOOKS).resolve(set));
    }

    private static List<String> names(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void writeMeta(Path dir, Blueprint blueprint, Instant now, int links) {
        try (BpfMap map = BpfMap.openPinned(dir.resolve("meta").toString()); Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment v = MetaRecord.allocate(arena);
            MetaRecord.setMagic(v, Records.MAGIC);
            MetaRecord.setAbiVersion(v, blueprint.abiVersion());
            MetaRecord.setLoadedNs(v, now.getEpochSecond() * 1_000_000_000L + now.getNano());
            MetaRecord.setVersion(v, VERSION);
            MetaRecord.setLinks(v, links);
            int rc = map.update(key, v, BpfMap.ANY);
            if (rc != 0) throw new NativeException(rc, "cannot write the meta record at " + dir);
        }
    }

    /**
     * Removes every pin under dir (not dir itself); links detach as their last pin goes. By
     * directory descriptor, following no symbolic link (see {@link PinDir#removeContents}).
     */
    private static void removePins(Path dir) {
        PinDir.removeContents(dir);
    }

    private static String versionString() {
        String v = PinnedState.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        maps.values().forEach(BpfMap::close);
        lock.close();
        synchronized (processIterators) {
            processIterators.values().forEach(it -> it.ifPresent(ProcessIterator::close));
            refused.forEach(ProcessIterator::close);
            processIterators.clear();
            refused.clear();
        }
        synchronized (runPrograms) {
            runPrograms.values().forEach(p -> p.ifPresent(PinnedProgram::close));
            refusedPrograms.forEach(PinnedProgram::close);
            runPrograms.clear();
            refusedPrograms.clear();
        }
    }
}
