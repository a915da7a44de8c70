package restracker.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The C structs {@link UnixSocket}'s calls take (and {@link ProcessMemory}'s iovec; Linux, x86-64
 * and other LP64 targets), as named layouts with a handle per field; SocketStructsTest checks each
 * size and offset against the C compiler's.
 */
final class SocketStructs {
    private SocketStructs() {}

    /** struct iovec { void *iov_base; size_t iov_len; } */
    static final StructLayout IOVEC = MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"))
            .withName("iovec");

    /**
     * struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; size_t msg_iovlen;
     * void *msg_control; size_t msg_controllen; int msg_flags; }
     */
    static final StructLayout MSGHDR = MemoryLayout.structLayout(ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4), ADDRESS.withName("msg_iov"), JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"), JAVA_LONG.withName("msg_controllen"), JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4)).withName("msghdr");

    /**
     * A control message carrying one descriptor: struct cmsghdr { size_t cmsg_len; int cmsg_level;
     * int cmsg_type; } then the int, padded to CMSG_SPACE(sizeof(int)).
     */
    static final StructLayout CMSG_FD = MemoryLayout.structLayout(JAVA_LONG.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"),
            JAVA_INT.withName("cmsg_type"), JAVA_INT.withName("fd"), MemoryLayout.paddingLayout(4)).withName("cmsghdr_fd");
    /** CMSG_LEN(sizeof(int)): the header and the descriptor, without the padding. */
    static final long CMSG_FD_LEN = CMSG_FD.byteOffset(groupElement("fd")) + JAVA_INT.byteSize();

    /** struct ucred { pid_t pid; uid_t uid; gid_t gid; } */
    static final StructLayout UCRED = MemoryLayout.structLayout(JAVA_INT.withName("pid"), JAVA_INT.withName("uid"),
            JAVA_INT.withName("gid")).withName("ucred");

    /** struct timeval { time_t tv_sec; suseconds_t tv_usec; } */
    static final StructLayout TIMEVAL = MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"))
            .withName("timeval");

    /** struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; } */
    static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(JAVA_SHORT.withName("sun_family"),
            MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path")).withName("sockaddr_un");
    static final long SUN_PATH = SOCKADDR_UN.byteOffset(groupElement("sun_path"));
    static final long SUN_PATH_MAX = SOCKADDR_UN.byteSize() - SUN_PATH;

    static final VarHandle IOV_BASE = field(IOVEC, "iov_base");
    static final VarHandle IOV_LEN = field(IOVEC, "iov_len");
    static final VarHandle MSG_IOV = field(MSGHDR, "msg_iov");
    static final VarHandle MSG_IOVLEN = field(MSGHDR, "msg_iovlen");
    static final VarHandle MSG_CONTROL = field(MSGHDR, "msg_control");
    static final VarHandle MSG_CONTROLLEN = field(MSGHDR, "msg_controllen");
    static final VarHandle CMSG_LEN = field(CMSG_FD, "cmsg_len");
    static final VarHandle CMSG_LEVEL = field(CMSG_FD, "cmsg_level");
    static final VarHandle CMSG_TYPE = field(CMSG_FD, "cmsg_type");
    static final VarHandle CMSG_FD_VALUE = field(CMSG_FD, "fd");
    static final VarHandle UCRED_PID = field(UCRED, "pid");
    static final VarHandle UCRED_UID = field(UCRED, "uid");
    static final VarHandle UCRED_GID = field(UCRED, "gid");
    static final VarHandle TV_SEC = field(TIMEVAL, "tv_sec");
    static final VarHandle TV_USEC = field(TIMEVAL, "tv_usec");
    static final VarHandle SUN_FAMILY = field(SOCKADDR_UN, "sun_family");

    /** A handle on one field at offset 0 of a segment: get(segment), set(segment, value). */
    private static VarHandle field(StructLayout struct, String name) {
        return java.lang.invoke.MethodHandles.insertCoordinates(struct.varHandle(groupElement(name)), 1, 0L);
    }
}
