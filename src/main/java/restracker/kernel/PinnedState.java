package restracker.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import restracker.bpf.BpfMap;
import restracker.bpf.BpfObject;
import restracker.bpf.Errno;
import restracker.bpf.Libc;
import restracker.bpf.NativeException;

/**
 * The kernel-resident state of the tracker: maps and links pinned under one directory of bpffs
 * (default /sys/fs/bpf/restracker). Loading pins everything and writes the meta record last, so
 * a directory without a valid meta record is an interrupted load and is replaced. Every change of
 * the pin set happens under an exclusive flock on the directory.
 */
public final class PinnedState implements AutoCloseable {
    public static final Path DEFAULT_DIR = Path.of("/sys/fs/bpf/restracker");
    public static final String VERSION = versionString();
    static final String OBJECT = "tracker.bpf.o";
    static final List<String> MAPS = List.of("groups", "entities", "quotas", "events", "state", "meta");

    private final Path dir;
    private final BpfMap groups, entities, quotas, events, state;
    private final Meta meta;

    /** What the meta record says of the restracker that loaded the state. */
    public record Meta(int abiVersion, String version, Instant loadedAt) {}

    private PinnedState(Path dir, Meta meta) {
        this.dir = dir;
        this.meta = meta;
        this.groups = open("groups");
        this.entities = open("entities");
        this.quotas = open("quotas");
        this.events = open("events");
        this.state = open("state");
    }

    /** The pin directory: $RESTRACKER_PIN_DIR, else the default. */
    public static Path configuredDir() {
        String env = System.getenv("RESTRACKER_PIN_DIR");
        return env == null || env.isBlank() ? DEFAULT_DIR : Path.of(env);
    }

    /** Opens the pinned state, loading and pinning the BPF side first if it is absent. */
    public static PinnedState openOrLoad(Path dir) {
        requireRoot();
        Mounts.ensureBpffs(dir);
        Optional<Meta> meta = readMeta(dir);
        if (meta.isEmpty()) {
            try (DirLock lock = DirLock.acquire(dir)) {
                meta = readMeta(dir);
                if (meta.isEmpty()) {
                    removePins(dir);
                    meta = Optional.of(load(dir));
                }
            }
        }
        return new PinnedState(dir, checkCompatible(dir, meta.get()));
    }

    /** Opens the pinned state if it is loaded; never loads. */
    public static Optional<PinnedState> openExisting(Path dir) {
        requireRoot();
        if (Libc.fileSystemType(Mounts.BPFFS.toString()) != Libc.BPF_FS_MAGIC && dir.startsWith(Mounts.BPFFS)) {
            return Optional.empty();
        }
        return readMeta(dir).map(m -> new PinnedState(dir, checkCompatible(dir, m)));
    }

    /** Unpins everything (the links detach, the maps go); false when nothing was loaded. */
    public static boolean unload(Path dir) {
        requireRoot();
        if (!Files.isDirectory(dir)) return false;
        try (DirLock lock = DirLock.acquire(dir)) {
            removePins(dir);
        }
        try {
            Files.deleteIfExists(dir);
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

    public BpfMap groups() {
        return groups;
    }

    public BpfMap entities() {
        return entities;
    }

    public BpfMap quotas() {
        return quotas;
    }

    public BpfMap events() {
        return events;
    }

    public BpfMap state() {
        return state;
    }

    /** Serialises changes that read, then write (register, cap, deregister). */
    public DirLock lock() {
        return DirLock.acquire(dir);
    }

    /** The names of the pinned links (one per attached hook). */
    public List<String> links() {
        try (Stream<Path> s = Files.list(dir.resolve("links"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The pins are root's alone (bpffs mode 0700); without root nothing can be read or changed. */
    private static void requireRoot() {
        if (Libc.geteuid() != 0) {
            throw new StateException(Errno.EPERM, "restracker's kernel state belongs to root: run restracker as root");
        }
    }

    private BpfMap open(String name) {
        try {
            return BpfMap.openPinned(dir.resolve(name).toString());
        } catch (NativeException e) {
            if (e.errno() != Errno.ENOENT) throw e;
            throw new StateException(Errno.ENOENT, "the pinned map " + dir.resolve(name) + " has gone"
                    + " (removed behind restracker's back?): run `restracker unload` and try again");
        }
    }

    private static Meta checkCompatible(Path dir, Meta meta) {
        if (meta.abiVersion() != Records.ABI_VERSION) {
            throw new StateException(Errno.EOPNOTSUPP, "the state pinned at " + dir + " was loaded by restracker "
                    + meta.version() + " with an incompatible layout (ABI " + meta.abiVersion() + ", this is ABI "
                    + Records.ABI_VERSION + "): run `restracker unload` (this ends all tracking) and try again");
        }
        return meta;
    }

    /** The meta record, or empty when nothing (or an interrupted load) is pinned at dir. */
    static Optional<Meta> readMeta(Path dir) {
        Path path = dir.resolve("meta");
        if (!Files.exists(path)) return Optional.empty();
        try (BpfMap map = BpfMap.openPinned(path.toString()); Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment value = Records.META.allocate(arena);
            if (!map.lookup(key, value)) return Optional.empty();
            if (Records.META.getInt(value, "magic") != Records.MAGIC) return Optional.empty();
            return Optional.of(new Meta(Records.META.getInt(value, "abi_version"),
                    Records.META.getString(value, "version", Records.VERSION_LEN),
                    Instant.EPOCH.plusNanos(Records.META.getLong(value, "loaded_ns"))));
        } catch (NativeException e) {
            if (e.errno() == Errno.ENOENT) return Optional.empty();
            throw e;
        }
    }

    private static Meta load(Path dir) {
        Mounts.ensureTracefs();
        try {
            Files.createDirectories(dir.resolve("links"), DirLock.ROOT_ONLY);
        } catch (IOException e) {
            throw new NativeException(Errno.EACCES.number(), "cannot create " + dir + ": " + e.getMessage());
        }
        try (BpfObject obj = BpfObject.open(OBJECT, objectBytes())) {
            obj.load();
            for (String sc : HookedSyscalls.ALL.keySet()) {
                attach(obj, dir, "on_enter", "syscalls", "sys_enter_" + sc);
                attach(obj, dir, "on_exit", "syscalls", "sys_exit_" + sc);
            }
            attach(obj, dir, "on_exec", "sched", "sched_process_exec");
            attach(obj, dir, "on_task_exit", "sched", "sched_process_exit");
            for (String m : MAPS) obj.pinMap(m, dir.resolve(m).toString());
        } catch (RuntimeException e) {
            removePins(dir);
            throw e;
        }
        Instant now = Instant.now();
        writeMeta(dir, now);
        return new Meta(Records.ABI_VERSION, VERSION, now);
    }

    private static void attach(BpfObject obj, Path dir, String program, String category, String event) {
        if (!Mounts.tracepointExists(category, event)) return; // reported by `doctor`
        obj.attachTracepointPinned(program, category, event, dir.resolve("links").resolve(event).toString());
    }

    private static void writeMeta(Path dir, Instant now) {
        try (BpfMap map = BpfMap.openPinned(dir.resolve("meta").toString()); Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment v = Records.META.allocate(arena);
            Records.META.setInt(v, "magic", Records.MAGIC);
            Records.META.setInt(v, "abi_version", Records.ABI_VERSION);
            Records.META.setInt(v, "entity_size", (int) Records.ENTITY.size());
            Records.META.setInt(v, "event_size", (int) Records.EVENT.size());
            Records.META.setLong(v, "loaded_ns", now.getEpochSecond() * 1_000_000_000L + now.getNano());
            Records.META.setString(v, "version", Records.VERSION_LEN, VERSION);
            int rc = map.update(key, v, BpfMap.ANY);
            if (rc != 0) throw new NativeException(rc, "cannot write the meta record at " + dir);
        }
    }

    /** Removes every pin under dir (not dir itself); links detach as their last pin goes. */
    private static void removePins(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.filter(p -> !p.equals(dir)).toList());
            paths.sort(Comparator.comparing(Path::getNameCount).reversed());
            for (Path p : paths) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException ignored) {
                    // removed concurrently: that is what we wanted
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pins under " + dir, e);
        }
    }

    private static byte[] objectBytes() {
        try (InputStream in = PinnedState.class.getResourceAsStream("/bpf/" + OBJECT)) {
            if (in == null) throw new IllegalStateException("the jar carries no bpf/" + OBJECT + ": rebuild restracker");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String versionString() {
        String v = PinnedState.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        for (BpfMap m : List.of(groups, entities, quotas, events, state)) m.close();
    }
}
