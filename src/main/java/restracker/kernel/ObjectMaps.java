package restracker.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import restracker.bpf.BpfMap;
import restracker.bpf.MapDefinition;
import restracker.bpf.MapDefinitions;
import restracker.bpf.ObjectFiles;
import restracker.sys.Errno;

/**
 * The maps a blueprint's object defines (type, key and value size, max_entries, as libbpf reads
 * the jar's object): each map of the blueprint's record of maps must be one of them, checked before
 * anything is pinned or opened, and every pinned map is checked against its definition when it is
 * opened: a map pinned by a restracker built otherwise is refused, never misread, whatever ABI
 * number its meta shows.
 */
final class ObjectMaps {
    /** By object file name: its pinned maps' definitions, read once per process. */
    private static final Map<String, Map<String, MapDefinition>> DEFINITIONS = new ConcurrentHashMap<>();

    private ObjectMaps() {}

    /** Refuses map, pinned at path as blueprint's map name, unless it is defined as the object defines it. */
    static void requireAsDefined(Path path, String name, BpfMap map, Blueprint blueprint) {
        List<String> differences = map.definition().differencesFrom(definitions(blueprint).get(name));
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
        definitions(blueprint);
    }

    /** The object's own definition of each map it pins, "meta" included. */
    private static Map<String, MapDefinition> definitions(Blueprint blueprint) {
        List<String> names = new ArrayList<>(blueprint.mapNames());
        names.add("meta");
        Map<String, MapDefinition> known = DEFINITIONS.get(blueprint.object());
        if (known != null && known.keySet().containsAll(names)) return known;
        Map<String, MapDefinition> read = Map.copyOf(MapDefinitions.of(blueprint.object(), ObjectFiles.read(blueprint.object()), names));
        for (String name : names) {
            if (!read.containsKey(name)) {
                throw new IllegalStateException(MapRecord.component(blueprint.maps(), name) + " names the map " + name
                        + ", which " + blueprint.object() + " does not define: the record of maps and the BPF object disagree");
            }
        }
        DEFINITIONS.put(blueprint.object(), read);
        return read;
    }
}
