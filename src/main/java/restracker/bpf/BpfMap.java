package restracker.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.sys.Native;
import restracker.sys.NativeException;

/**
 * An open BPF map, by file descriptor (from a pin or a loaded object). Keys and values are
 * MemorySegments laid out like the C records. Closing releases the descriptor, never the map.
 */
public final class BpfMap implements AutoCloseable {
    /** bpf_map_update_elem flags. */
    public static final long ANY = 0, NOEXIST = 1, EXIST = 2;
    /** Elements asked for per batch lookup at first; a hash bucket holding more makes it grow. */
    static final int BATCH = 1024;

    /** Sees one element of a batch: key and value are valid only during the call. */
    @FunctionalInterface
    public interface ElementVisitor {
        void visit(MemorySegment key, MemorySegment value);
    }

    private final String name;
    private final int fd;

    BpfMap(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /** Opens a pinned map; ENOENT when nothing is pinned at path. */
    public static BpfMap openPinned(String path) {
        int fd = BpfSyscalls.objGet(path);
        if (fd < 0) throw new NativeException(-fd, "cannot open the pinned BPF map " + path);
        return new BpfMap(path, fd);
    }

    public int fd() {
        return fd;
    }

    /** Copies the value at key into value; false when the key is absent. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        int rc = BpfSyscalls.lookup(fd, key, value);
        if (rc == -Errno.ENOENT.number()) return false;
        check(rc, "look up an element of");
        return true;
    }

    /** Stores value at key; returns 0 or the errno (EEXIST with NOEXIST, E2BIG when full, ...). */
    public int update(MemorySegment key, MemorySegment value, long flags) {
        int rc = call(() -> (int) BpfSyscalls.UPDATE.get().invokeExact(fd, key, value, flags));
        return rc < 0 ? -rc : 0;
    }

    /** Removes key; false when it was absent. */
    public boolean delete(MemorySegment key) {
        int rc = call(() -> (int) BpfSyscalls.DELETE.get().invokeExact(fd, key));
        if (rc == -Errno.ENOENT.number()) return false;
        check(rc, "delete an element of");
        return true;
    }

    /** Every u32 key of the map, in the kernel's iteration order. */
    public List<Integer> intKeys() {
        List<Integer> keys = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment prev = MemorySegment.NULL;
            MemorySegment next = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment cur = arena.allocate(ValueLayout.JAVA_INT);
            for (;;) {
                MemorySegment p = prev;
                int rc = call(() -> (int) BpfSyscalls.NEXT_KEY.get().invokeExact(fd, p, next));
                if (rc == -Errno.ENOENT.number()) return keys;
                check(rc, "iterate over");
                keys.add(next.get(ValueLayout.JAVA_INT, 0));
                cur.copyFrom(next);
                prev = cur;
            }
        }
    }

    /**
     * Every element of the map, read {@link #BATCH} at a time with one BPF_MAP_LOOKUP_BATCH per chunk
     * (libbpf's bpf_map_lookup_batch) instead of two system calls per key; returns how many were
     * visited. A hash map is read bucket by bucket: a bucket larger than the chunk is refused with
     * ENOSPC, and the chunk doubles; ENOENT ends the walk, with the last elements. Elements changed
     * meanwhile are seen before or after the change (each bucket is read under its lock). A kernel
     * without batch operations for this map (EINVAL, ENOTSUPP at the first call) is read key by key.
     */
    public long forEach(long keySize, long valueSize, ElementVisitor visitor) {
        return forEach(keySize, valueSize, BATCH, visitor);
    }

    /** As {@link #forEach(long, long, ElementVisitor)}, asking for firstChunk elements per call at first. */
    public long forEach(long keySize, long valueSize, int firstChunk, ElementVisitor visitor) {
        if (firstChunk < 1) throw new IllegalArgumentException("a batch of " + firstChunk + " elements");
        try (Arena arena = Arena.ofConfined()) {
            int chunk = firstChunk;
            MemorySegment keys = arena.allocate(keySize * chunk, 8);
            MemorySegment values = arena.allocate(valueSize * chunk, 8);
            // The batch position: a u32 bucket index for hash maps, a key for the others.
            MemorySegment in = arena.allocate(Math.max(8, keySize), 8);
            MemorySegment out = arena.allocate(Math.max(8, keySize), 8);
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            long seen = 0;
            boolean first = true;
            for (;;) {
                count.set(ValueLayout.JAVA_INT, 0, chunk);
                MemorySegment from = first ? MemorySegment.NULL : in, k = keys, v = values;
                int rc = call(() -> (int) BpfSyscalls.LOOKUP_BATCH.get().invokeExact(fd, from, out, k, v, count, MemorySegment.NULL));
                int n = count.get(ValueLayout.JAVA_INT, 0);
                if (rc == -Errno.ENOSPC.number() && n == 0) {
                    chunk *= 2;
                    keys = arena.allocate(keySize * chunk, 8);
                    values = arena.allocate(valueSize * chunk, 8);
                    continue;
                }
                if (first && n == 0 && (rc == -Errno.EINVAL.number() || rc == -Errno.ENOTSUPP.number()
                        || rc == -Errno.EOPNOTSUPP.number())) {
                    return forEachByKey(arena, keySize, valueSize, visitor);
                }
                if (rc < 0 && rc != -Errno.ENOENT.number()) check(rc, "read a batch of");
                for (int i = 0; i < n; i++) visitor.visit(keys.asSlice(i * keySize, keySize), values.asSlice(i * valueSize, valueSize));
                seen += n;
                if (rc == -Errno.ENOENT.number()) return seen;
                in.copyFrom(out);
                first = false;
            }
        }
    }

    /** As {@link #forEach}, a get_next_key and a lookup per key (an element deleted meanwhile is skipped). */
    private long forEachByKey(Arena arena, long keySize, long valueSize, ElementVisitor visitor) {
        MemorySegment prev = MemorySegment.NULL;
        MemorySegment next = arena.allocate(keySize, 8), cur = arena.allocate(keySize, 8);
        MemorySegment value = arena.allocate(valueSize, 8);
        long seen = 0;
        for (;;) {
            MemorySegment p = prev;
            int rc = call(() -> (int) BpfSyscalls.NEXT_KEY.get().invokeExact(fd, p, next));
            if (rc == -Errno.ENOENT.number()) return seen;
            check(rc, "iterate over");
            if (lookup(next, value)) {
                visitor.visit(next, value);
                seen++;
            }
            cur.copyFrom(next);
            prev = cur;
        }
    }

    /** Whether the map has no element (one get_next_key; for hash maps). */
    public boolean isEmpty(long keySize) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(keySize, 8);
            int rc = call(() -> (int) BpfSyscalls.NEXT_KEY.get().invokeExact(fd, MemorySegment.NULL, key));
            if (rc == -Errno.ENOENT.number()) return true;
            check(rc, "iterate over");
            return false;
        }
    }

    /** Deletes every element of a hash map whose keys are keySize bytes; returns how many it deleted. */
    public long clear(long keySize) {
        long deleted = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(keySize, 8);
            for (;;) {
                int rc = call(() -> (int) BpfSyscalls.NEXT_KEY.get().invokeExact(fd, MemorySegment.NULL, key));
                if (rc == -Errno.ENOENT.number()) return deleted;
                check(rc, "iterate over");
                if (delete(key)) deleted++;
            }
        }
    }

    /** What the kernel fixed of this map when it created it (bpf_obj_get_info_by_fd). */
    public MapDefinition definition() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(BpfStructs.MAP_INFO_HEAD);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, (int) BpfStructs.MAP_INFO_HEAD.byteSize());
            check(BpfSyscalls.objGetInfo(fd, info, len), "read the definition of");
            return new MapDefinition((int) BpfStructs.MAP_INFO_TYPE.get(info), (int) BpfStructs.MAP_INFO_KEY_SIZE.get(info),
                    (int) BpfStructs.MAP_INFO_VALUE_SIZE.get(info), (int) BpfStructs.MAP_INFO_MAX_ENTRIES.get(info));
        }
    }

    /** Maps the (BPF_F_MMAPABLE) map's memory into this process. */
    public MemorySegment mapShared(long size) {
        return Libc.mapShared(fd, size);
    }

    private void check(int rc, String what) {
        if (rc < 0) throw new NativeException(-rc, "cannot " + what + " the BPF map " + name);
    }

    @FunctionalInterface
    private interface IntCall {
        int run() throws Throwable;
    }

    private static int call(IntCall c) {
        return Native.call(() -> {
            return c.run();
        });
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
