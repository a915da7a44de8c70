package restracker.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import restracker.text.Untrusted;
import restracker.tracker.Quota;
import restracker.tracker.Sizes;

/**
 * A set of policies as an operator writes it, in YAML:
 *
 * <pre>
 * policies:
 *   - name: leaky-worker
 *     match:
 *       exe: /opt/app/bin/worker      # any of exe, cgroup, uid or user; all given must match
 *       children: true                # exe only: descendants too, whatever they exec
 *     heap: 512M                      # a size as for cap; either quota may be absent
 *     files: 1000
 *     mode: enforce                   # enforce (the default) or audit
 *     warn: 80                        # optional: an event when usage first passes 80% of a quota
 * </pre>
 *
 * Read strictly: an unknown or repeated key, a value of the wrong kind, a repeated name or an empty
 * file is refused with one sentence naming the file and the line; a refused file yields nothing.
 */
public final class PolicyFile {
    /** The most policies one set may hold. */
    public static final int MAX_POLICIES = 10_000;
    /** The largest policy file read, in bytes. */
    public static final int MAX_BYTES = 4 << 20;

    private static final Set<String> POLICY_KEYS = Set.of("name", "match", "heap", "files", "mode", "warn");
    private static final Set<String> MATCH_KEYS = Set.of("exe", "children", "cgroup", "uid", "user");

    private final String label;

    private PolicyFile(String label) {
        this.label = label;
    }

    /** The policies of a file on disk; PolicyFileException when it cannot be read or is not a valid set. */
    public static List<Policy> read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) throw new PolicyFileException(file + " is larger than " + MAX_BYTES + " bytes");
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PolicyFileException("cannot read " + file + ": " + e.getMessage());
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return parse(file.toString(), text);
        } catch (CharacterCodingException e) {
            throw new PolicyFileException(file + " is not UTF-8 text");
        }
    }

    /** The policies of text, named label in messages; PolicyFileException when it is not a valid set. */
    public static List<Policy> parse(String label, String text) {
        return new PolicyFile(label).policies(text);
    }

    private List<Policy> policies(String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(label).setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(16).setCodePointLimit(MAX_BYTES).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new PolicyFileException(label + " line " + line + ": " + firstLine(e.getProblem()));
        } catch (YamlEngineException e) {
            throw new PolicyFileException(label + ": " + firstLine(e.getMessage()));
        }
        if (root.isEmpty()) throw new PolicyFileException(label + " is empty (write `policies: []` for a set of none)");
        Map<String, Node> top = mapping(root.get(), "the file", Set.of("policies"));
        Node list = top.get("policies");
        if (list == null) throw problem(root.get(), "the file has no `policies:` list");
        if (!(list instanceof SequenceNode seq)) throw problem(list, "`policies` must be a list (items starting with -)");
        if (seq.getValue().size() > MAX_POLICIES) throw problem(list, "more than " + MAX_POLICIES + " policies");
        List<Policy> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Node item : seq.getValue()) {
            Policy p = policy(item);
            if (!names.add(p.name())) throw problem(item, "a second policy named " + p.name());
            out.add(p);
        }
        return List.copyOf(out);
    }

    private Policy policy(Node item) {
        Map<String, Node> m = mapping(item, "a policy", POLICY_KEYS);
        Node nameNode = m.get("name");
        if (nameNode == null) throw problem(item, "a policy without a name");
        String name = scalar(nameNode, "name");
        String what = "policy " + Untrusted.escape(name);
        Node matchNode = m.get("match");
        if (matchNode == null) throw problem(item, what + " has no match");
        Match match = match(matchNode, what);
        long heap = m.containsKey("heap") ? value(m.get("heap"), what, "heap", Sizes::parseBytes) : Quota.UNLIMITED;
        long files = m.containsKey("files") ? value(m.get("files"), what, "files", Sizes::parseCount) : Quota.UNLIMITED;
        Mode mode = m.containsKey("mode") ? value(m.get("mode"), what, "mode", PolicyFile::mode) : Mode.ENFORCE;
        OptionalInt warn = m.containsKey("warn")
                ? OptionalInt.of(value(m.get("warn"), what, "warn", PolicyFile::percent)) : OptionalInt.empty();
        try {
            return new Policy(name, match, new Quota(heap, files), mode, warn);
        } catch (IllegalArgumentException e) {
            throw problem(item, e.getMessage());
        }
    }

    private Match match(Node node, String what) {
        Map<String, Node> m = mapping(node, "the match of " + what, MATCH_KEYS);
        Optional<Path> exe = Optional.ofNullable(m.get("exe")).map(n -> Path.of(scalar(n, "exe")));
        boolean children = m.containsKey("children") && value(m.get("children"), what, "children", PolicyFile::bool);
        Optional<Path> cgroup = Optional.ofNullable(m.get("cgroup")).map(n -> Path.of(scalar(n, "cgroup")));
        OptionalInt uid = m.containsKey("uid") ? OptionalInt.of(value(m.get("uid"), what, "uid", PolicyFile::uid)) : OptionalInt.empty();
        Optional<String> user = Optional.ofNullable(m.get("user")).map(n -> scalar(n, "user"));
        try {
            return new Match(exe, children, cgroup, uid, user);
        } catch (IllegalArgumentException e) {
            throw problem(node, what + ": " + e.getMessage());
        }
    }

    /** A mapping's entries by key, each key a plain word among allowed. */
    private Map<String, Node> mapping(Node node, String what, Set<String> allowed) {
        if (!(node instanceof MappingNode map)) throw problem(node, what + " must be a mapping (key: value lines)");
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode(), "a key");
            if (!allowed.contains(key)) {
                throw problem(t.getKeyNode(), "unknown key '" + Untrusted.escape(key) + "' in " + what
                        + " (expected " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            if (out.put(key, t.getValueNode()) != null) {
                throw problem(t.getKeyNode(), "the key '" + key + "' is given twice in " + what);
            }
        }
        return out;
    }

    private String scalar(Node node, String what) {
        if (!(node instanceof ScalarNode s)) throw problem(node, what + " must be a single value, not a list or mapping");
        if (s.getValue().isEmpty()) throw problem(node, what + " has no value");
        return s.getValue();
    }

    private interface Reader<T> {
        T read(String text);
    }

    private <T> T value(Node node, String what, String key, Reader<T> reader) {
        String text = scalar(node, key);
        try {
            return reader.read(text);
        } catch (IllegalArgumentException e) {
            throw problem(node, what + ": " + key + ": " + e.getMessage());
        }
    }

    private static Mode mode(String text) {
        for (Mode m : Mode.values()) if (m.word().equals(text)) return m;
        throw new IllegalArgumentException("'" + Untrusted.escape(text) + "' is not a mode (enforce or audit)");
    }

    private static boolean bool(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + Untrusted.escape(text) + "' is not true or false");
        };
    }

    private static int uid(String text) {
        if (!Sizes.isDecimal(text) || text.startsWith("-") || text.length() > 10 || Long.parseLong(text) > 0xFFFF_FFFEL) {
            throw new IllegalArgumentException("'" + Untrusted.escape(text) + "' is not a uid (a number; write a name as user:)");
        }
        return (int) Long.parseLong(text);
    }

    private static int percent(String text) {
        String digits = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
        if (!Sizes.isDecimal(digits) || digits.startsWith("-") || digits.length() > 3) {
            throw new IllegalArgumentException("'" + Untrusted.escape(text) + "' is not a percentage from 1 to 99");
        }
        return Integer.parseInt(digits);
    }

    private PolicyFileException problem(Node node, String message) {
        int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        return new PolicyFileException(label + " line " + line + ": " + message);
    }

    private static String firstLine(String s) {
        if (s == null) return "not valid YAML";
        int nl = s.indexOf('\n');
        return Untrusted.escape(nl < 0 ? s : s.substring(0, nl));
    }
}
