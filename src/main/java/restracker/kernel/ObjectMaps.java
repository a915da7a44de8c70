package restracker.kernel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import restracker.bpf.BpfMap;
import restracker.bpf.MapDefinition;
import restracker.bpf.MapDefinitionFiles;
import restracker.sys.Errno;

/**
 * The maps a blueprint's object defines (type, key and value size, max_entries, as libbpf reads
 * the jar's object; the build writes them into the jar beside it, see {@link MapDefinitionFiles}),
 * against which every pinned map is checked when it is opened: a map pinned by a restracker built
 * otherwise is refused, never misread, whatever ABI number its meta shows.
 */
final class ObjectMaps {
    /** By object file name: its maps' definitions, read once per process. */
    private static final Map<String, Map<String, MapDefinition>> DEFINITIONS = new ConcurrentHashMap<>();

    private ObjectMaps() {}

    /** Refuses map, pinned at path as blueprint's map name, unless it is defined as the object defines it. */
    static void requireAsDefined(Path path, String name, BpfMap map, Blueprint blueprint) {
        MapDefinition expected = DEFINITIONS.computeIfAbsent(blueprint.object(), MapDefinitionFiles::read).get(name);
        if (expected == null) {
            throw new IllegalStateException("the jar's definitions of " + blueprint.object() + " have no map " + name
                    + ": rebuild restracker");
        }
        List<String> differences = map.definition().differencesFrom(expected);
        if (!differences.isEmpty()) {
            throw new StateException(Errno.EOPNOTSUPP, "the map pinned at " + path + " is not the " + name + " map that this"
                    + " restracker's " + blueprint.object() + " defines (" + String.join(", ", differences) + "): another"
                    + " restracker pinned it; run `restracker unload` (this ends all tracking) and try again");
        }
    }
}
