package restracker.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The definitions of the maps of each BPF object file the jar carries, written by the build beside
 * the object ({@code /bpf/NAME.maps}) from what libbpf reads in it ({@link MapDefinitions}): pinned
 * maps are checked against these when they are opened, so that a CLI call neither reads the object
 * nor has libbpf parse it (a dozen downcall handles and a callback made for one check). One line per
 * map: {@code name type key_size value_size max_entries}; lines starting with # are comments.
 */
public final class MapDefinitionFiles {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]+");

    private MapDefinitionFiles() {}

    /** The definitions written for the object file the jar carries as bpf/object, by map name, in the object's order. */
    public static Map<String, MapDefinition> read(String object) {
        String file = "bpf/" + object + ".maps";
        try (InputStream in = MapDefinitionFiles.class.getResourceAsStream("/" + file)) {
            if (in == null) throw new IllegalStateException("the jar carries no " + file + ": rebuild restracker");
            return parse(file, new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " from the jar", e);
        }
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

    /** The text {@link #read} reads, for the definitions defs of object. */
    static String format(String object, Map<String, MapDefinition> defs) {
        StringBuilder b = new StringBuilder("# The maps of " + object + " as libbpf reads them (written by the build):\n"
                + "# name type key_size value_size max_entries\n");
        defs.forEach((name, d) -> {
            if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("a map named \"" + name + "\" in " + object);
            b.append(name).append(' ').append(d.type()).append(' ').append(d.keySize()).append(' ').append(d.valueSize())
                    .append(' ').append(d.maxEntries()).append('\n');
        });
        return b.toString();
    }

    private static IllegalStateException malformed(String file, int line) {
        return new IllegalStateException("line " + line + " of the jar's " + file + " is malformed: rebuild restracker");
    }

    /** The build's step: for each object file named, writes FILE.maps beside it. */
    public static void main(String[] objects) throws IOException {
        for (String o : objects) {
            Path object = Path.of(o);
            String name = object.getFileName().toString();
            Path out = object.resolveSibling(name + ".maps");
            Path tmp = object.resolveSibling(name + ".maps.tmp");
            Files.writeString(tmp, format(name, MapDefinitions.all(name, Files.readAllBytes(object))), StandardCharsets.US_ASCII);
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
