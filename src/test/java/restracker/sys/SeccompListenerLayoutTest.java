package restracker.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.StructLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import restracker.testing.CExpressions;

/** The seccomp ioctl numbers and structs {@link SeccompListener} uses, as linux/seccomp.h and poll.h have them. */
class SeccompListenerLayoutTest {
    @Test
    void theNumbersSizesAndOffsetsAreTheHeaders() throws Exception {
        Map<String, Long> java = new LinkedHashMap<>();
        java.put("SECCOMP_IOCTL_NOTIF_RECV", SeccompListener.NOTIF_RECV);
        java.put("SECCOMP_IOCTL_NOTIF_SEND", SeccompListener.NOTIF_SEND);
        java.put("SECCOMP_IOCTL_NOTIF_ID_VALID", SeccompListener.NOTIF_ID_VALID);
        java.put("SECCOMP_IOCTL_NOTIF_ADDFD", SeccompListener.NOTIF_ADDFD);
        struct(java, "struct seccomp_data", SeccompStructs.DATA, "nr", "arch", "instruction_pointer", "args");
        java.put("sizeof(((struct seccomp_data *) 0)->args) / sizeof(__u64)", (long) SeccompStructs.ARGS);
        struct(java, "struct seccomp_notif", SeccompStructs.NOTIF, "id", "pid", "flags", "data");
        struct(java, "struct seccomp_notif_resp", SeccompStructs.RESP, "id", "val", "error", "flags");
        struct(java, "struct seccomp_notif_addfd", SeccompStructs.ADDFD, "id", "flags", "srcfd", "newfd", "newfd_flags");
        struct(java, "struct pollfd", SeccompStructs.POLLFD, "fd", "events", "revents");
        Map<String, Long> c = CExpressions.evaluate(List.of("sys/ioctl.h", "poll.h", "linux/seccomp.h"), List.copyOf(java.keySet()));
        assertEquals(c, java);
    }

    private static void struct(Map<String, Long> into, String cName, StructLayout layout, String... fields) {
        into.put("sizeof(" + cName + ")", layout.byteSize());
        for (String f : fields) into.put("offsetof(" + cName + ", " + f + ")", layout.byteOffset(groupElement(f)));
    }
}
