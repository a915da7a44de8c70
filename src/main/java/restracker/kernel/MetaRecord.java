package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_meta (TrackerStructs.RT_META), the record that identifies a complete pin set: a typed accessor
 * per field, each a handle resolved once from the named layout.
 */
public final class MetaRecord {
    private static final VarHandle MAGIC = TrackerStructs.RT_META.field("magic");
    private static final VarHandle ABI_VERSION = TrackerStructs.RT_META.field("abi_version");
    private static final VarHandle LOADED_NS = TrackerStructs.RT_META.field("loaded_ns");
    private static final VarHandle LINKS = TrackerStructs.RT_META.field("links");
    private static final Struct.Text VERSION = TrackerStructs.RT_META.text("version");

    private MetaRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return TrackerStructs.RT_META.allocate(arena);
    }

    public static int magic(MemorySegment s) {
        return (int) MAGIC.get(s);
    }

    public static void setMagic(MemorySegment s, int value) {
        MAGIC.set(s, value);
    }

    public static int abiVersion(MemorySegment s) {
        return (int) ABI_VERSION.get(s);
    }

    public static void setAbiVersion(MemorySegment s, int value) {
        ABI_VERSION.set(s, value);
    }

    public static long loadedNs(MemorySegment s) {
        return (long) LOADED_NS.get(s);
    }

    public static void setLoadedNs(MemorySegment s, long value) {
        LOADED_NS.set(s, value);
    }

    public static String version(MemorySegment s) {
        return VERSION.get(s);
    }

    /** Truncated to what the field holds with its NUL. */
    public static void setVersion(MemorySegment s, String value) {
        VERSION.set(s, value);
    }

    public static int links(MemorySegment s) {
        return (int) LINKS.get(s);
    }

    public static void setLinks(MemorySegment s, int value) {
        LINKS.set(s, value);
    }
}
