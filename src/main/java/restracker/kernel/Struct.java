package restracker.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/** A C record of bpf/restracker.h: its layout, and field access by name into a segment. */
public record Struct(String cName, StructLayout layout) {

    public static Struct of(String cName, MemoryLayout... fields) {
        return new Struct(cName, MemoryLayout.structLayout(fields));
    }

    public long size() {
        return layout.byteSize();
    }

    public long offset(String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    public MemorySegment allocate(Arena arena) {
        return arena.allocate(layout);
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
        MemorySegment bytes = s.asSlice(offset(field), capacity);
        int len = 0;
        while (len < capacity && bytes.get(ValueLayout.JAVA_BYTE, len) != 0) len++;
        return new String(bytes.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    public void setString(MemorySegment s, String field, int capacity, String value) {
        byte[] b = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MemorySegment dst = s.asSlice(offset(field), capacity).fill((byte) 0);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, dst, 0, Math.min(b.length, capacity - 1));
    }
}
