package restracker.bpf;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import restracker.sys.Native;
import restracker.sys.NativeException;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

/**
 * The maps a BPF object file defines, as libbpf reads them from the object without loading it
 * (bpf_map__type, __key_size, __value_size, __max_entries). Apart from {@link Libbpf}, whose many
 * handles a CLI call on pinned maps never creates. The build compiles what this reads into the jar
 * ({@link MapDefinitionSource}, {@link MapDefinitionFiles}), which is what pins are checked against
 * at run time.
 */
public final class MapDefinitions {
    private static final MethodHandle OPEN_MEM = Native.withErrno(LibbpfLibrary.LOOKUP, "bpf_object__open_mem",
            FunctionDescriptor.of(PTR, PTR, LONG, PTR));
    private static final MethodHandle CLOSE = Native.plain(LibbpfLibrary.LOOKUP, "bpf_object__close",
            FunctionDescriptor.ofVoid(PTR));
    private static final MethodHandle FIND_MAP = fn("bpf_object__find_map_by_name", PTR, PTR, PTR);
    private static final MethodHandle TYPE = fn("bpf_map__type", INT, PTR);
    private static final MethodHandle KEY_SIZE = fn("bpf_map__key_size", INT, PTR);
    private static final MethodHandle VALUE_SIZE = fn("bpf_map__value_size", INT, PTR);
    private static final MethodHandle MAX_ENTRIES = fn("bpf_map__max_entries", INT, PTR);
    private static final MethodHandle NEXT_MAP = fn("bpf_object__next_map", PTR, PTR, PTR);
    private static final MethodHandle NAME = fn("bpf_map__name", PTR, PTR);

    private MapDefinitions() {}

    /** The definitions of every map in the object file elf (name says which, for errors), by map name, in the object's order. */
    public static Map<String, MapDefinition> all(String name, byte[] elf) {
        return of(name, elf, null);
    }

    /**
     * The definitions of maps (all of them when null) in the object file elf (name says which, for
     * errors), by map name; a map the object does not define is left out.
     */
    public static Map<String, MapDefinition> of(String name, byte[] elf, Collection<String> maps) {
        LibbpfLog.install(LibbpfLibrary.LOOKUP);
        return Native.call(arena -> {
            MemorySegment image = arena.allocate(elf.length, 8).copyFrom(MemorySegment.ofArray(elf));
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment obj = (MemorySegment) OPEN_MEM.invokeExact(err, image, (long) elf.length, MemorySegment.NULL);
            if (obj.address() == 0) {
                throw new NativeException(Native.errno(err), "libbpf cannot open the BPF object " + name + ": "
                        + LibbpfLog.drain().strip());
            }
            try {
                Map<String, MapDefinition> defs = new LinkedHashMap<>();
                for (String m : maps != null ? maps : names(obj)) {
                    MemorySegment map = (MemorySegment) FIND_MAP.invokeExact(obj, arena.allocateFrom(m));
                    if (map.address() == 0) continue;
                    defs.put(m, new MapDefinition((int) TYPE.invokeExact(map), (int) KEY_SIZE.invokeExact(map),
                            (int) VALUE_SIZE.invokeExact(map), (int) MAX_ENTRIES.invokeExact(map)));
                }
                return defs;
            } finally {
                CLOSE.invokeExact(obj);
            }
        });
    }

    /** The names of the object's maps, in its order (bpf_object__next_map). */
    private static List<String> names(MemorySegment obj) throws Throwable {
        List<String> names = new ArrayList<>();
        for (MemorySegment map = (MemorySegment) NEXT_MAP.invokeExact(obj, MemorySegment.NULL); map.address() != 0;
                map = (MemorySegment) NEXT_MAP.invokeExact(obj, map)) {
            names.add(((MemorySegment) NAME.invokeExact(map)).reinterpret(Integer.MAX_VALUE).getString(0));
        }
        return names;
    }

    private static MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
        return Native.plain(LibbpfLibrary.LOOKUP, name, FunctionDescriptor.of(ret, args));
    }
}
