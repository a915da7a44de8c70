package restracker.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import restracker.testing.CExpressions;

/** Libc's struct layouts and constants as the C compiler and the C library have them here. */
class LibcStructsTest {
    @Test
    void sizesOffsetsAndConstantsAreTheCompilers() throws Exception {
        Map<String, Long> java = new LinkedHashMap<>();
        java.put("sizeof(struct statfs)", LibcStructs.STATFS.byteSize());
        java.put("offsetof(struct statfs, f_type)", LibcStructs.STATFS.byteOffset(groupElement("f_type")));
        java.put("sizeof(struct timespec)", LibcStructs.TIMESPEC.byteSize());
        java.put("offsetof(struct timespec, tv_sec)", LibcStructs.TIMESPEC.byteOffset(groupElement("tv_sec")));
        java.put("offsetof(struct timespec, tv_nsec)", LibcStructs.TIMESPEC.byteOffset(groupElement("tv_nsec")));
        java.put("sysconf(_SC_PAGESIZE)", Libc.pageSize());
        java.put("sizeof(struct statx)", LibcStructs.STATX.byteSize());
        for (String f : List.of("stx_mask", "stx_blksize", "stx_attributes", "stx_nlink", "stx_uid", "stx_gid", "stx_mode")) {
            java.put("offsetof(struct statx, " + f + ")", LibcStructs.STATX.byteOffset(groupElement(f)));
        }
        java.put("sizeof(struct dirent)", LibcStructs.DIRENT.byteSize());
        for (String f : List.of("d_ino", "d_off", "d_reclen", "d_type", "d_name")) {
            java.put("offsetof(struct dirent, " + f + ")", LibcStructs.DIRENT.byteOffset(groupElement(f)));
        }
        assertEquals(CExpressions.evaluate(List.of("sys/statfs.h", "sys/stat.h", "dirent.h", "time.h", "unistd.h"),
                List.copyOf(java.keySet())), java);
    }
}
