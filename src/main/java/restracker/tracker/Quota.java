package restracker.tracker;

/** Heap quota in bytes and file quota in descriptors; {@link #UNLIMITED} (-1) for none. */
public record Quota(long heapBytes, long files) {
    public static final long UNLIMITED = -1;
    public static final Quota NONE = new Quota(UNLIMITED, UNLIMITED);

    public Quota {
        if (heapBytes < UNLIMITED) throw new IllegalArgumentException("heap quota must be -1 or at least 0");
        if (files < UNLIMITED) throw new IllegalArgumentException("file quota must be -1 or at least 0");
    }

    public boolean heapLimited() {
        return heapBytes != UNLIMITED;
    }

    public boolean filesLimited() {
        return files != UNLIMITED;
    }
}
