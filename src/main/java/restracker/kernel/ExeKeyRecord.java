package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * struct rt_exe_key, an executable by device and inode (the policy_exe key): a typed accessor per field, each a handle or an offset resolved once from the named
 * layout (TrackerStructs.RT_EXE_KEY).
 */
public final class ExeKeyRecord {
    private static final VarHandle DEV = TrackerStructs.RT_EXE_KEY.field("dev");
    private static final VarHandle INO = TrackerStructs.RT_EXE_KEY.field("ino");

    private ExeKeyRecord() {}

    public static MemorySegment allocate(Arena arena) {
        return TrackerStructs.RT_EXE_KEY.allocate(arena);
    }

    public static int dev(MemorySegment s) {
        return (int) DEV.get(s);
    }

    public static void setDev(MemorySegment s, int value) {
        DEV.set(s, value);
    }

    public static long ino(MemorySegment s) {
        return (long) INO.get(s);
    }

    public static void setIno(MemorySegment s, long value) {
        INO.set(s, value);
    }
}
