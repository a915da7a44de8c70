package restracker.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * An open BPF map, by file descriptor (from a pin or a loaded object). Keys and values are
 * MemorySegments laid out like the C records. Closing releases the descriptor, never the map.
 */
public final class BpfMap implements AutoCloseable {
    /** bpf_map_update_elem flags. */
    public static final long ANY = 0, NOEXIST = 1, EXIST = 2;

    private final String name;
    private final int fd;

    BpfMap(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /** Opens a pinned map; ENOENT when nothing is pinned at path. */
    public static BpfMap openPinned(String path) {
        return Native.call(arena -> {
            int fd = (int) BpfSyscalls.OBJ_GET.invokeExact(arena.allocateFrom(path));
            if (fd < 0) throw new NativeException(-fd, "cannot open the pinned BPF map " + path);
            return new BpfMap(path, fd);
        });
    }

    public int fd() {
        return fd;
    }

    /** Copies the value at key into value; false when the key is absent. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        int rc = call(() -> (int) BpfSyscalls.LOOKUP.invokeExact(fd, key, value));
        if (rc == -Errno.ENOENT.number()) return false;
        check(rc, "look up an element of");
        return true;
    }

    /** Stores value at key; returns 0 or the errno (EEXIST with NOEXIST, E2BIG when full, ...). */
    public int update(MemorySegment key, MemorySegment value, long flags) {
        int rc = call(() -> (int) BpfSyscalls.UPDATE.invokeExact(fd, key, value, flags));
        return rc < 0 ? -rc : 0;
    }

    /** Removes key; false when it was absent. */
    public boolean delete(MemorySegment key) {
        int rc = call(() -> (int) BpfSyscalls.DELETE.invokeExact(fd, key));
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
                int rc = call(() -> (int) BpfSyscalls.NEXT_KEY.invokeExact(fd, p, next));
                if (rc == -Errno.ENOENT.number()) return keys;
                check(rc, "iterate over");
                keys.add(next.get(ValueLayout.JAVA_INT, 0));
                cur.copyFrom(next);
                prev = cur;
            }
        }
    }

    /** Whether the map has no element (one get_next_key; for hash maps). */
    public boolean isEmpty(long keySize) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(keySize, 8);
            int rc = call(() -> (int) BpfSyscalls.NEXT_KEY.invokeExact(fd, MemorySegment.NULL, key));
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
                int rc = call(() -> (int) BpfSyscalls.NEXT_KEY.invokeExact(fd, MemorySegment.NULL, key));
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
            check(call(() -> (int) BpfSyscalls.OBJ_GET_INFO.invokeExact(fd, info, len)), "read the definition of");
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
