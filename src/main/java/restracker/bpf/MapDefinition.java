package restracker.bpf;

import java.util.ArrayList;
import java.util.List;

/**
 * What the kernel fixes of a BPF map when it creates it: its type (enum bpf_map_type), key and
 * value sizes in bytes, and max_entries. A pinned map is only usable by code built for the same.
 */
public record MapDefinition(int type, int keySize, int valueSize, int maxEntries) {

    /** How this (a pinned map's) differs from expected, e.g. "value size 72 bytes, not 80"; empty when it does not. */
    public List<String> differencesFrom(MapDefinition expected) {
        List<String> d = new ArrayList<>();
        if (type != expected.type) d.add("map type " + type + ", not " + expected.type);
        if (keySize != expected.keySize) d.add("key size " + keySize + " bytes, not " + expected.keySize);
        if (valueSize != expected.valueSize) d.add("value size " + valueSize + " bytes, not " + expected.valueSize);
        if (maxEntries != expected.maxEntries) d.add("max_entries " + maxEntries + ", not " + expected.maxEntries);
        return d;
    }
}
