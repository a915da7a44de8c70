package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_meta (Records.META), the record that identifies a complete pin set: a typed accessor
 * per field, each a handle resolved once from the named layout.
 */
public final class MetaRecord {
    private static final VarHandle MAGIC = Records.META.field("magic");
    private static final VarHandle ABI_VERSION = Records.META.field("abi_version");
    private static final VarHandle LOADED_NS = Records.META.field("loaded_ns");
    private static final VarHandle LINKS = Records.META.field("links");
    private static final long VERSION = Records.META.offset("version");

    private MetaRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return Records.META.allocate(arena);
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
        return Struct.text(s, VERSION, Records.VERSION_LEN);
    }

    /** Truncated to what the field holds with its NUL. */
    public static void setVersion(MemorySegment s, String value) {
        Struct.setText(s, VERSION, Records.VERSION_LEN, value);
    }

    public static int links(MemorySegment s) {
        return (int) LINKS.get(s);
    }

    public static void setLinks(MemorySegment s, int value) {
        LINKS.set(s, value);
    }
}
