package restracker.seedabi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What fetch writes into the caller's memory, as the original interface laid it out (x86-64):
 *
 * <pre>
 * struct per_proc_resource {
 *     pid_t pid;                    //  0 (4 bytes, then 4 of padding)
 *     unsigned long heapsize;       //  8  MB, rounded down
 *     unsigned long openfile_count; // 16
 *     unsigned long heapsize_quota; // 24  MB as the caller passed it; -1 unlimited
 *     unsigned long openfile_quota; // 32  -1 unlimited
 * };                                // 40 bytes
 * </pre>
 */
record FetchRecord(int pid, long heapMb, long openFiles, long heapQuotaMb, long fileQuota) {
    static final int SIZE = 40;
    private static final long MB = 1024 * 1024;

    /** From `fetch --json`'s answer, with pid as the caller named it; empty when a figure is missing. */
    static java.util.Optional<FetchRecord> fromJson(int pid, String json) {
        OptionalLong heap = number(json, "heapsize_bytes"), files = number(json, "openfile_count");
        OptionalLong heapQuota = number(json, "heapsize_quota_bytes"), fileQuota = number(json, "openfile_quota");
        if (heap.isEmpty() || files.isEmpty() || heapQuota.isEmpty() || fileQuota.isEmpty()) return java.util.Optional.empty();
        long q = heapQuota.getAsLong();
        return java.util.Optional.of(new FetchRecord(pid, heap.getAsLong() / MB, files.getAsLong(), q < 0 ? -1 : q / MB,
                fileQuota.getAsLong()));
    }

    byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, pid).putLong(8, heapMb).putLong(16, openFiles).putLong(24, heapQuotaMb).putLong(32, fileQuota);
        return b.array();
    }

    /** The number under key in a flat JSON object restracker wrote (a string value cannot fake a key: its quotes are escaped). */
    private static OptionalLong number(String json, String key) {
        Matcher m = Pattern.compile("[{,]\\s*\"" + key + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }
}
