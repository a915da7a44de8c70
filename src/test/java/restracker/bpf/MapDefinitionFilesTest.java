package restracker.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import restracker.testing.BpfMaps;
import restracker.testing.Child;
import restracker.testing.JsonTree;

/**
 * The map definitions the build writes for each BPF object (what pinned maps are checked against;
 * compiled in, see MapDefinitionSource) are the object's own: as libbpf reads them from the object,
 * and as its BTF declares them.
 */
class MapDefinitionFilesTest {
    private static final Path OBJECTS = Path.of("target/classes/bpf");

    private static List<String> objects() throws Exception {
        try (Stream<Path> s = Files.list(OBJECTS)) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bpf.o")).sorted().toList();
            assertFalse(names.isEmpty(), "the build produced BPF objects in " + OBJECTS);
            return names;
        }
    }

    @Test
    void everyObjectsMapsAreWrittenAsLibbpfReadsThem() throws Exception {
        for (String object : objects()) {
            assertEquals(MapDefinitions.all(object, Files.readAllBytes(OBJECTS.resolve(object))), MapDefinitionFiles.read(object), object);
        }
        assertTrue(MapDefinitionFiles.read("tracker.bpf.o").containsKey("entities"), "the tracker's maps are written");
    }

    /** The map names and max_entries, read from the objects' BTF by bpftool: every map of the .maps section, and no other. */
    @Test
    void everyMapTheObjectsBtfDeclaresIsWrittenWithItsMaxEntries() throws Exception {
        for (String object : objects()) {
            Map<String, MapDefinition> written = MapDefinitionFiles.read(object);
            assertEquals(declaredMaps(object), List.copyOf(written.keySet()), object);
            for (var e : written.entrySet()) {
                assertEquals(BpfMaps.declaredMaxEntries(object, e.getKey()), e.getValue().maxEntries(), object + " " + e.getKey());
            }
        }
    }

    @Test
    void aMalformedLineIsReportedWithItsNumber() {
        assertEquals(Map.of("m", new MapDefinition(1, 4, 8, 16)), MapDefinitionFiles.parse("f", "# c\nm 1 4 8 16\n"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MapDefinitionFiles.parse("map definitions of x.bpf.o", "# c\nm 1 4 8\n"));
        assertTrue(e.getMessage().contains("line 2 of the map definitions of x.bpf.o"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> MapDefinitionFiles.parse("f", "m 1 4 8 x\n"));
        assertThrows(IllegalStateException.class, () -> MapDefinitionFiles.parse("f", "m/../x 1 4 8 16\n"));
    }

    /** The variables of the object's .maps section, in its order. */
    private static List<String> declaredMaps(String object) {
        Path file = OBJECTS.resolve(object);
        Child.Output o = Child.run(new ProcessBuilder("bpftool", "-j", "btf", "dump", "file", file.toString()),
                "bpftool btf dump file " + file, Duration.ofSeconds(60));
        assertEquals(0, o.status(), o.err());
        Map<Long, JsonNode> byId = new HashMap<>();
        for (JsonNode t : JsonTree.parse(o.out()).get("types")) byId.put(t.get("id").asLong(), t);
        List<String> names = new ArrayList<>();
        for (JsonNode t : byId.values()) {
            if (!t.get("kind").asText().equals("DATASEC") || !t.get("name").asText().equals(".maps")) continue;
            for (JsonNode v : t.get("vars")) names.add(byId.get(v.get("type_id").asLong()).get("name").asText());
        }
        return names;
    }
}
