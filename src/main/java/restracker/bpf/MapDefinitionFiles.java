package restracker.bpf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The definitions of the maps of each BPF object file the jar carries, written by the build from
 * what libbpf reads in it ({@link MapDefinitions}) into a class compiled with the sources (see
 * {@link MapDefinitionSource}): pinned maps are checked against these when they are opened, so that
 * a CLI call neither reads the object nor has libbpf parse it (a dozen downcall handles and a
 * callback made for one check), nor opens the jar. One line per map:
 * {@code name type key_size value_size max_entries}; lines starting with # are comments.
 */
public final class MapDefinitionFiles {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]+");

    private MapDefinitionFiles() {}

    /** The definitions written for the object file the jar carries as bpf/object, by map name, in the object's order. */
    public static Map<String, MapDefinition> read(String object) {
        String text = MapDefinitionTexts.of(object);
        if (text == null) throw new IllegalStateException("the build wrote no map definitions for " + object + ": rebuild restracker");
        return parse("map definitions of " + object, text);
    }

    static Map<String, MapDefinition> parse(String file, String text) {
        Map<String, MapDefinition> defs = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split(" ");
            if (f.length != 5 || !NAME.matcher(f[0]).matches()) throw malformed(file, n);
            try {
                defs.put(f[0], new MapDefinition(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4])));
            } catch (NumberFormatException e) {
                throw malformed(file, n);
            }
        }
        return defs;
    }

    private static IllegalStateException malformed(String file, int line) {
        return new IllegalStateException("line " + line + " of the " + file + " is malformed: rebuild restracker");
    }
}
