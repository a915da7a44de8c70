package restracker.kernel;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * A C record of the BPF headers: its C name and named layout, generated at build time from the
 * BPF object's BTF (TrackerStructs, KernelOpsStructs: see src/build/BtfStructs.java). The record
 * classes (EntityRecord, EventRecord, ...) take a typed handle per field from it once.
 */
public record Struct(String cName, StructLayout layout) {

    public static Struct of(String cName, MemoryLayout... fields) {
        return new Struct(cName, MemoryLayout.structLayout(fields));
    }

    public long size() {
        return layout.byteSize();
    }

    public long offset(String field) {
        return layout.byteOffset(groupElement(field));
    }

    public MemorySegment allocate(Arena arena) {
        return arena.allocate(layout);
    }

    /** A handle on a value field of the record at offset 0 of a segment: get(s), set(s, v), getVolatile(s), getAndAdd(s, n). */
    public VarHandle field(String name) {
        return MethodHandles.insertCoordinates(layout.varHandle(groupElement(name)), 1, 0L);
    }

    /** A handle on a value field of element i of an array of the record at offset 0 of a segment: get(s, (long) i), ... */
    public VarHandle elementField(String name) {
        return MethodHandles.insertCoordinates(layout.arrayElementVarHandle(groupElement(name)), 1, 0L);
    }

    /** The number of elements of an array field. */
    public long elementCount(String name) {
        for (MemoryLayout m : layout.memberLayouts()) {
            if (m.name().equals(java.util.Optional.of(name)) && m instanceof SequenceLayout array) return array.elementCount();
        }
        throw new IllegalArgumentException("struct " + cName + " has no array field " + name);
    }

    /** A char array field, holding NUL-terminated text. */
    public Text text(String name) {
        return new Text(offset(name), Math.toIntExact(elementCount(name)));
    }

    /** A char array field of capacity bytes at offset: UTF-8 text up to its first NUL. */
    public record Text(long offset, int capacity) {

        public String get(MemorySegment s) {
            MemorySegment bytes = s.asSlice(offset, capacity);
            int len = 0;
            while (len < capacity && bytes.get(ValueLayout.JAVA_BYTE, len) != 0) len++;
            return new String(bytes.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }

        /** Writes value, truncated to leave room for its NUL. */
        public void set(MemorySegment s, String value) {
            byte[] b = value.getBytes(StandardCharsets.UTF_8);
            MemorySegment dst = s.asSlice(offset, capacity).fill((byte) 0);
            MemorySegment.copy(MemorySegment.ofArray(b), 0, dst, 0, Math.min(b.length, capacity - 1));
        }
    }
}
