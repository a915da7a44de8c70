package restracker.kernel;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * A C record of the BPF headers: its C name and named layout (LayoutTest and KernelOpsLayoutTest
 * compare it with the object's BTF). The record classes (EntityRecord, EventRecord, ...) take a
 * typed handle per field from it once; the by-name access below looks the field up at each call,
 * kept for code not yet moved to such a class.
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

    /** The NUL-terminated text of a char array field of capacity bytes at offset. */
    public static String text(MemorySegment s, long offset, int capacity) {
        MemorySegment bytes = s.asSlice(offset, capacity);
        int len = 0;
        while (len < capacity && bytes.get(ValueLayout.JAVA_BYTE, len) != 0) len++;
        return new String(bytes.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** Writes value into a char array field of capacity bytes at offset, truncated to leave room for its NUL. */
    public static void setText(MemorySegment s, long offset, int capacity, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        MemorySegment dst = s.asSlice(offset, capacity).fill((byte) 0);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, dst, 0, Math.min(b.length, capacity - 1));
    }

    public long getLong(MemorySegment s, String field) {
        return s.get(ValueLayout.JAVA_LONG, offset(field));
    }

    public int getInt(MemorySegment s, String field) {
        return s.get(ValueLayout.JAVA_INT, offset(field));
    }

    public void setLong(MemorySegment s, String field, long value) {
        s.set(ValueLayout.JAVA_LONG, offset(field), value);
    }

    public void setInt(MemorySegment s, String field, int value) {
        s.set(ValueLayout.JAVA_INT, offset(field), value);
    }

    /** A NUL-terminated char array field. */
    public String getString(MemorySegment s, String field, int capacity) {
        return text(s, offset(field), capacity);
    }

    public void setString(MemorySegment s, String field, int capacity, String value) {
        setText(s, offset(field), capacity, value);
    }
}
