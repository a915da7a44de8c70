package restracker.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.StructLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import restracker.testing.CExpressions;

/** The socket structs' layouts, size and every field's offset, as the C compiler lays them out here. */
class SocketStructsTest {
    @Test
    void everySizeAndOffsetIsTheCompilers() throws Exception {
        Map<String, Long> java = new LinkedHashMap<>();
        struct(java, "struct iovec", SocketStructs.IOVEC, "iov_base", "iov_len");
        struct(java, "struct msghdr", SocketStructs.MSGHDR, "msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control",
                "msg_controllen", "msg_flags");
        struct(java, "struct ucred", SocketStructs.UCRED, "pid", "uid", "gid");
        struct(java, "struct timeval", SocketStructs.TIMEVAL, "tv_sec", "tv_usec");
        struct(java, "struct sockaddr_un", SocketStructs.SOCKADDR_UN, "sun_family", "sun_path");
        java.put("offsetof(struct cmsghdr, cmsg_len)", SocketStructs.CMSG_FD.byteOffset(groupElement("cmsg_len")));
        java.put("offsetof(struct cmsghdr, cmsg_level)", SocketStructs.CMSG_FD.byteOffset(groupElement("cmsg_level")));
        java.put("offsetof(struct cmsghdr, cmsg_type)", SocketStructs.CMSG_FD.byteOffset(groupElement("cmsg_type")));
        java.put("CMSG_SPACE(sizeof(int))", SocketStructs.CMSG_FD.byteSize());
        java.put("CMSG_LEN(sizeof(int))", SocketStructs.CMSG_FD_LEN);
        java.put("CMSG_LEN(0)", SocketStructs.CMSG_FD.byteOffset(groupElement("fd")));
        Map<String, Long> c = CExpressions.evaluate(List.of("sys/socket.h", "sys/uio.h", "sys/time.h", "sys/un.h"),
                List.copyOf(java.keySet()));
        assertEquals(c, java);
    }

    private static void struct(Map<String, Long> into, String cName, StructLayout layout, String... fields) {
        into.put("sizeof(" + cName + ")", layout.byteSize());
        for (String f : fields) into.put("offsetof(" + cName + ", " + f + ")", layout.byteOffset(groupElement(f)));
    }
}
