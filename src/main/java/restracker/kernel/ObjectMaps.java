package restracker.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import restracker.bpf.BpfMap;
import restracker.bpf.MapDefinition;
import restracker.bpf.MapDefinitionFiles;
import restracker.sys.Errno;

/**
 * The maps a blueprint's object defines (type, key and value size, max_entries, as libbpf reads
 * the jar's object; the build compiles them into the jar, see {@link MapDefinitionFiles}):
 * each map of the blueprint's record of maps must be one of them, checked before anything is pinned
 * or opened, and every pinned map is checked against its definition when it is opened: a map pinned
 * by a restracker built otherwise is refused, never misread, whatever ABI number its meta shows.
 */
final class ObjectMaps {
    /** By object file name: its maps' definitions, read once per process. */
    private static final Map<String, Map<String, MapDefinition>> DEFINITIONS = new ConcurrentHashMap<>();

    private ObjectMaps() {}

    /** Refuses map, pinned at path as blueprint's map name, unless it is defined as the object defines it. */
    static void requireAsDefined(Path path, String name, BpfMap map, Blueprint blueprint) {
        MapDefinition expected = definitions(blueprint.object()).get(name);
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

    /**
     * Refuses a blueprint whose record of maps names a map its object does not define (a misspelt
     * component, or a map the C side no longer has): a mistake of this restracker's build.
     */
    static void requireDefined(Blueprint blueprint) {
        Map<String, MapDefinition> defined = definitions(blueprint.object());
        List<String> names = new ArrayList<>(blueprint.mapNames());
        names.add("meta");
        for (String name : names) {
            if (!defined.containsKey(name)) {
                throw new IllegalStateException(MapRecord.component(blueprint.maps(), name) + " names the map " + name
                        + ", which " + blueprint.object() + " does not define: the record of maps and the BPF object disagree");
            }
        }
    }

    private static Map<String, MapDefinition> definitions(String object) {
        return DEFINITIONS.computeIfAbsent(object, MapDefinitionFiles::read);
    }
}
