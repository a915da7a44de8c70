import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Build step: the Java layouts of the records a BPF object shares with user space, generated from
 * the object's BTF, so that a record's fields are written once, in its C header. Every struct whose
 * name starts with rt_ becomes a restracker.kernel.Struct constant (rt_entity: RT_ENTITY) of the
 * class named, field for field as clang laid it out: names, order, offsets and sizes (u8, u16, u32,
 * u64 and enums as JAVA_BYTE, JAVA_SHORT, JAVA_INT, JAVA_LONG; arrays of them as sequence layouts;
 * holes as padding). A field it cannot express (a pointer, a nested struct or union, a bitfield, an
 * unaligned field) fails the build, naming it.
 *
 * <p>Run by Maven before the Java sources are compiled (pom.xml, execution generate-bpf-structs):
 * {@code java src/build/BtfStructs.java OUTPUT_DIR OBJECT.o=package.Class ...}. It reads the ELF
 * section .BTF itself (no tool needed); LayoutTest compares its output with bpftool's reading.
 */
public final class BtfStructs {
    private static final int INT = 1, PTR = 2, ARRAY = 3, STRUCT = 4, UNION = 5, ENUM = 6, FWD = 7, TYPEDEF = 8,
            VOLATILE = 9, CONST = 10, RESTRICT = 11, FUNC = 12, FUNC_PROTO = 13, VAR = 14, DATASEC = 15, FLOAT = 16,
            DECL_TAG = 17, TYPE_TAG = 18, ENUM64 = 19;
    private static final String[] KIND_NAMES = {"void", "int", "pointer", "array", "struct", "union", "enum", "forward declaration",
        "typedef", "volatile", "const", "restrict", "function", "function prototype", "variable", "data section", "float",
        "declaration tag", "type tag", "enum64"};

    /**
     * One BTF type: kind, name, the size or referenced type id, what follows it (members, array, ...)
     * as u32 words, and a struct's or union's member names.
     */
    private record Type(int kind, String name, int sizeOrType, boolean kindFlag, int[] extra, List<String> members) {}

    private final String object;
    private final List<Type> types;

    private BtfStructs(String object, List<Type> types) {
        this.object = object;
        this.types = types;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: java BtfStructs.java OUTPUT_DIR OBJECT.o=package.Class ...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            Path object = Path.of(pair[0]);
            String pkg = pair[1].substring(0, pair[1].lastIndexOf('.')), simple = pair[1].substring(pkg.length() + 1);
            String source = read(object).source(pkg, simple);
            Path file = out.resolve(pkg.replace('.', '/')).resolve(simple + ".java");
            Files.createDirectories(file.getParent());
            // Written only when it changed, so that an unchanged header recompiles nothing.
            if (!Files.exists(file) || !Files.readString(file).equals(source)) Files.writeString(file, source);
        }
    }

    private static BtfStructs read(Path object) throws IOException {
        ByteBuffer btf = section(Files.readAllBytes(object), ".BTF", object);
        if ((btf.getShort(0) & 0xffff) != 0xeb9f) throw new IllegalStateException(object + ": .BTF has no BTF magic");
        int hdrLen = btf.getInt(4), typeOff = btf.getInt(8), typeLen = btf.getInt(12), strOff = btf.getInt(16);
        List<Type> types = new ArrayList<>();
        types.add(new Type(0, "void", 0, false, new int[0], List.of())); // type id 0
        int pos = hdrLen + typeOff, end = pos + typeLen;
        while (pos < end) {
            int nameOff = btf.getInt(pos), info = btf.getInt(pos + 4), sizeOrType = btf.getInt(pos + 8);
            int kind = (info >>> 24) & 0x1f, vlen = info & 0xffff;
            pos += 12;
            int words = switch (kind) {
                case INT, VAR, DECL_TAG -> 1;
                case ARRAY -> 3;
                case STRUCT, UNION, DATASEC, ENUM64 -> 3 * vlen;
                case ENUM, FUNC_PROTO -> 2 * vlen;
                case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> 0;
                default -> throw new IllegalStateException(object + ": BTF type " + types.size() + " is of kind " + kind
                        + ", which this generator does not know");
            };
            int[] extra = new int[words];
            for (int w = 0; w < words; w++) extra[w] = btf.getInt(pos + 4 * w);
            pos += 4 * words;
            List<String> members = new ArrayList<>();
            if (kind == STRUCT || kind == UNION) {
                for (int m = 0; m < vlen; m++) members.add(string(btf, hdrLen + strOff + extra[3 * m]));
            }
            types.add(new Type(kind, string(btf, hdrLen + strOff + nameOff), sizeOrType, info < 0, extra, members));
        }
        return new BtfStructs(object.getFileName().toString(), types);
    }

    /** The section named name of a little-endian ELF64 file (a BPF object built for x86 or arm64). */
    private static ByteBuffer section(byte[] elf, String name, Path file) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2 || elf[5] != 1) {
            throw new IllegalStateException(file + " is not a little-endian ELF64 object");
        }
        int shoff = (int) b.getLong(0x28), shentsize = b.getShort(0x3a) & 0xffff, shnum = b.getShort(0x3c) & 0xffff;
        int names = (int) b.getLong(shoff + (b.getShort(0x3e) & 0xffff) * shentsize + 24);
        for (int i = 0; i < shnum; i++) {
            int header = shoff + i * shentsize;
            if (string(b, names + b.getInt(header)).equals(name)) {
                return b.slice((int) b.getLong(header + 24), (int) b.getLong(header + 32)).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        throw new IllegalStateException(file + " has no section " + name + " (built without clang -g?)");
    }

    private static String string(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) end++;
        byte[] s = new byte[end - at];
        b.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private String source(String pkg, String simple) {
        StringBuilder body = new StringBuilder();
        for (Type t : types) {
            if (t.kind() != STRUCT || !t.name().startsWith("rt_")) continue;
            body.append("\n    /** struct ").append(t.name()).append(", ").append(t.sizeOrType()).append(" bytes. */\n");
            body.append("    public static final Struct ").append(t.name().toUpperCase(java.util.Locale.ROOT))
                    .append(" = Struct.of(\"").append(t.name()).append('"');
            for (String field : fields(t)) body.append(",\n            ").append(field);
            body.append(");\n");
        }
        if (body.isEmpty()) throw new IllegalStateException(object + "'s BTF has no struct rt_*");
        StringBuilder s = new StringBuilder();
        s.append("// Generated by src/build/BtfStructs.java from the BTF of ").append(object).append(": do not edit.\n");
        s.append("package ").append(pkg).append(";\n\n");
        for (String value : List.of("JAVA_BYTE", "JAVA_INT", "JAVA_LONG", "JAVA_SHORT")) {
            if (body.indexOf(value) >= 0) s.append("import static java.lang.foreign.ValueLayout.").append(value).append(";\n");
        }
        s.append("\nimport java.lang.foreign.MemoryLayout;\n");
        if (!pkg.equals("restracker.kernel")) s.append("import restracker.kernel.Struct;\n");
        s.append("\n/** The rt_* records of ").append(object).append(", as its BTF lays them out: each C struct's fields, offsets and size. */\n");
        s.append("public final class ").append(simple).append(" {\n");
        s.append("    private ").append(simple).append("() {}\n").append(body).append("}\n");
        return s.toString();
    }

    /** The layouts of struct t's fields, holes included, as Java expressions. */
    private List<String> fields(Type t) {
        List<String> fields = new ArrayList<>();
        long at = 0;
        for (int m = 0; m < t.extra().length / 3; m++) {
            String name = t.members().get(m), where = "struct " + t.name() + "." + name + " in " + object;
            int type = t.extra()[3 * m + 1], bits = t.extra()[3 * m + 2];
            if (t.kindFlag() && (bits >>> 24) != 0) throw new IllegalStateException(where + " is a bitfield: Java cannot lay it out");
            long offset = (t.kindFlag() ? bits & 0xffffff : bits & 0xffffffffL) / 8;
            if (bits % 8 != 0) throw new IllegalStateException(where + " does not start on a byte");
            long size = size(type, where), align = alignment(type, where);
            if (offset % align != 0) {
                throw new IllegalStateException(where + " at byte " + offset + " is not aligned to its " + align
                        + " bytes: give the struct explicit padding");
            }
            if (offset > at) fields.add("MemoryLayout.paddingLayout(" + (offset - at) + ")");
            fields.add(layout(type, where) + ".withName(\"" + name + "\")");
            at = offset + size;
        }
        if (t.sizeOrType() > at) fields.add("MemoryLayout.paddingLayout(" + (t.sizeOrType() - at) + ")");
        return fields;
    }

    /** Type id skipping typedefs and qualifiers. */
    private Type resolve(int id) {
        Type t = types.get(id);
        while (t.kind() == TYPEDEF || t.kind() == VOLATILE || t.kind() == CONST || t.kind() == RESTRICT || t.kind() == TYPE_TAG) {
            t = types.get(t.sizeOrType());
        }
        return t;
    }

    private String layout(int id, String where) {
        Type t = resolve(id);
        return switch (t.kind()) {
            case INT, ENUM, ENUM64 -> switch (t.sizeOrType()) {
                case 1 -> "JAVA_BYTE";
                case 2 -> "JAVA_SHORT";
                case 4 -> "JAVA_INT";
                case 8 -> "JAVA_LONG";
                default -> throw new IllegalStateException(where + " is an integer of " + t.sizeOrType() + " bytes");
            };
            case ARRAY -> "MemoryLayout.sequenceLayout(" + (t.extra()[2] & 0xffffffffL) + ", " + layout(t.extra()[0], where) + ")";
            default -> throw new IllegalStateException(where + " is a " + KIND_NAMES[t.kind()]
                    + ": a record shared with Java holds integers, enums and arrays of them");
        };
    }

    private long size(int id, String where) {
        Type t = resolve(id);
        return switch (t.kind()) {
            case INT, ENUM, ENUM64 -> t.sizeOrType();
            case ARRAY -> (t.extra()[2] & 0xffffffffL) * size(t.extra()[0], where);
            default -> throw new IllegalStateException(where + " is a " + KIND_NAMES[t.kind()]
                    + ": a record shared with Java holds integers, enums and arrays of them");
        };
    }

    private long alignment(int id, String where) {
        Type t = resolve(id);
        return t.kind() == ARRAY ? alignment(t.extra()[0], where) : size(id, where);
    }
}
