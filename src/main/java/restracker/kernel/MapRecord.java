package restracker.kernel;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import restracker.bpf.BpfMap;

/**
 * A record of a blueprint's pinned maps (restracker.tracker.TrackerMaps, ...): one BpfMap
 * component per map, named as the BPF object names the map, in camelCase (policyExe is the map
 * policy_exe). The record's components are the one list of the maps a blueprint pins and opens;
 * each name is checked against the object's own map definitions before anything is pinned or
 * opened (see ObjectMaps).
 */
final class MapRecord {
    private MapRecord() {}

    /** The map names of type's components, in order. */
    static List<String> names(Class<? extends Record> type) {
        List<String> names = new ArrayList<>();
        for (RecordComponent c : components(type)) names.add(mapName(c.getName()));
        return names;
    }

    /** "TrackerMaps.policyExe", for messages. */
    static String component(Class<? extends Record> type, String map) {
        for (RecordComponent c : components(type)) {
            if (mapName(c.getName()).equals(map)) return type.getSimpleName() + "." + c.getName();
        }
        return type.getSimpleName() + " (no component for " + map + ")";
    }

    /** A type holding for each component the map of its name, as opened says. */
    static <M extends Record> M of(Class<M> type, Function<String, BpfMap> opened) {
        RecordComponent[] components = components(type);
        Object[] maps = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            maps[i] = opened.apply(mapName(components[i].getName()));
            types[i] = BpfMap.class;
        }
        try {
            Constructor<M> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(maps);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot make the " + type.getName() + " of the opened maps", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make the " + type.getName() + " of the opened maps", e);
        }
    }

    private static RecordComponent[] components(Class<? extends Record> type) {
        RecordComponent[] components = type.getRecordComponents();
        for (RecordComponent c : components) {
            if (c.getType() != BpfMap.class) {
                throw new IllegalArgumentException(type.getName() + "." + c.getName() + " is a " + c.getType().getSimpleName()
                        + ": a record of pinned maps holds a BpfMap per map");
            }
        }
        return components;
    }

    /** policyExe: policy_exe. */
    private static String mapName(String component) {
        StringBuilder name = new StringBuilder(component.length() + 4);
        for (char c : component.toCharArray()) {
            if (Character.isUpperCase(c)) name.append('_').append(Character.toLowerCase(c));
            else name.append(c);
        }
        return name.toString();
    }
}
