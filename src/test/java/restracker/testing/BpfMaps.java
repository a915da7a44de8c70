package restracker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The maps' figures as bpftool reads them: from a built BPF object's BTF, and from a pinned map in the kernel. */
public final class BpfMaps {
    private BpfMaps() {}

    /** max_entries of the map variable `map` as declared in target/classes/bpf/OBJECT (its BTF). */
    public static long declaredMaxEntries(String object, String map) {
        Map<Long, JsonNode> byId = BtfLayout.types(object);
        JsonNode variable = null;
        for (JsonNode t : byId.values()) {
            if (t.get("kind").asText().equals("VAR") && t.get("name").asText().equals(map)) variable = t;
        }
        assertTrue(variable != null, "a map " + map + " in " + object);
        JsonNode definition = byId.get(variable.get("type_id").asLong());
        for (JsonNode member : definition.get("members")) {
            if (member.get("name").asText().equals("max_entries")) {
                // __uint(max_entries, N) declares a pointer to an array of N ints.
                JsonNode pointer = byId.get(member.get("type_id").asLong());
                assertEquals("PTR", pointer.get("kind").asText(), pointer.toString());
                JsonNode array = byId.get(pointer.get("type_id").asLong());
                assertEquals("ARRAY", array.get("kind").asText(), array.toString());
                return array.get("nr_elems").asLong();
            }
        }
        throw new AssertionError("map " + map + " of " + object + " declares no max_entries: " + definition);
    }

    /** The element count of an array member of a struct in target/classes/bpf/OBJECT's BTF. */
    public static long declaredArrayLength(String object, String struct, String member) {
        Map<Long, JsonNode> byId = BtfLayout.types(object);
        for (JsonNode t : byId.values()) {
            if (!t.get("kind").asText().equals("STRUCT") || !t.get("name").asText().equals(struct)) continue;
            for (JsonNode m : t.get("members")) {
                if (m.get("name").asText().equals(member)) {
                    JsonNode array = byId.get(m.get("type_id").asLong());
                    assertEquals("ARRAY", array.get("kind").asText(), array.toString());
                    return array.get("nr_elems").asLong();
                }
            }
        }
        throw new AssertionError("no member " + member + " of struct " + struct + " in " + object);
    }

    /** max_entries of a pinned map, as the kernel reports it. */
    public static long pinnedMaxEntries(Path pinned) {
        return bpftool("map", "show", "pinned", pinned.toString()).get("max_entries").asLong();
    }

    /** A pinned map as the kernel reports it (bpftool map show): "type", "bytes_key", "bytes_value", "max_entries", ... */
    public static JsonNode pinnedMap(Path pinned) {
        return bpftool("map", "show", "pinned", pinned.toString());
    }

    /** Creates a map (bpftool map create) and pins it at path: type as bpftool names it, e.g. "hash". */
    public static void createPinned(Path path, String type, long keySize, long valueSize, long maxEntries, String name) {
        bpftool("map", "create", path.toString(), "type", type, "key", Long.toString(keySize), "value", Long.toString(valueSize),
                "entries", Long.toString(maxEntries), "name", name);
    }

    /** The formatted (BTF) value of a pinned array map's slot. */
    public static JsonNode pinnedValue(Path pinned, int slot) {
        String[] key = new String[4];
        for (int i = 0; i < 4; i++) key[i] = Integer.toString((slot >>> (8 * i)) & 0xff); // little endian u32
        String[] args = new String[] {"map", "lookup", "pinned", pinned.toString(), "key", key[0], key[1], key[2], key[3]};
        return bpftool(args).get("formatted").get("value");
    }

    /** Every entry of a pinned map as raw bytes (key, value), as the kernel holds them. */
    public static java.util.List<byte[][]> pinnedEntries(Path pinned) {
        java.util.List<byte[][]> entries = new java.util.ArrayList<>();
        for (JsonNode e : bpftool("map", "dump", "pinned", pinned.toString())) {
            entries.add(new byte[][] {bytes(e.get("key")), bytes(e.get("value"))});
        }
        return entries;
    }

    /** Writes one entry of a pinned map, raw bytes as the kernel holds them (a state the test fabricates). */
    public static void updatePinned(Path pinned, byte[] key, byte[] value) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("map", "update", "pinned", pinned.toString(), "key"));
        for (byte b : key) args.add(Integer.toString(b & 0xff));
        args.add("value");
        for (byte b : value) args.add(Integer.toString(b & 0xff));
        bpftool(args.toArray(String[]::new));
    }

    private static byte[] bytes(JsonNode hexArray) {
        byte[] b = new byte[hexArray.size()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(hexArray.get(i).asText().substring(2), 16);
        return b;
    }

    /** bpftool's JSON answer to args (`bpftool -j ARGS`); it must succeed. */
    public static JsonNode bpftool(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "bpftool";
        command[1] = "-j";
        System.arraycopy(args, 0, command, 2, args.length);
        Child.Output o = Child.run(new ProcessBuilder(command), String.join(" ", command), Duration.ofSeconds(60));
        assertEquals(0, o.status(), String.join(" ", command) + ": " + o.err());
        return JsonTree.parse(o.out());
    }
}
