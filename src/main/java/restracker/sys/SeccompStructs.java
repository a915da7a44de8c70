package restracker.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.PathElement.sequenceElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The structs {@link SeccompListener}'s calls take (linux/seccomp.h, and poll(2)'s struct pollfd),
 * as named layouts with a handle per field; SeccompListenerLayoutTest checks each size and offset
 * against the C compiler's.
 */
final class SeccompStructs {
    private SeccompStructs() {}

    /** struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; } */
    static final StructLayout DATA = MemoryLayout.structLayout(JAVA_INT.withName("nr"), JAVA_INT.withName("arch"),
            JAVA_LONG.withName("instruction_pointer"), MemoryLayout.sequenceLayout(6, JAVA_LONG).withName("args"))
            .withName("seccomp_data");

    /** struct seccomp_notif { __u64 id; __u32 pid; __u32 flags; struct seccomp_data data; } */
    static final StructLayout NOTIF = MemoryLayout.structLayout(JAVA_LONG.withName("id"), JAVA_INT.withName("pid"),
            JAVA_INT.withName("flags"), DATA.withName("data")).withName("seccomp_notif");

    /** struct seccomp_notif_resp { __u64 id; __s64 val; __s32 error; __u32 flags; } */
    static final StructLayout RESP = MemoryLayout.structLayout(JAVA_LONG.withName("id"), JAVA_LONG.withName("val"),
            JAVA_INT.withName("error"), JAVA_INT.withName("flags")).withName("seccomp_notif_resp");

    /** struct seccomp_notif_addfd { __u64 id; __u32 flags; __u32 srcfd; __u32 newfd; __u32 newfd_flags; } */
    static final StructLayout ADDFD = MemoryLayout.structLayout(JAVA_LONG.withName("id"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("srcfd"), JAVA_INT.withName("newfd"), JAVA_INT.withName("newfd_flags"))
            .withName("seccomp_notif_addfd");

    /** struct pollfd { int fd; short events; short revents; } */
    static final StructLayout POLLFD = MemoryLayout.structLayout(JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents")).withName("pollfd");

    static final VarHandle NOTIF_ID = field(NOTIF, "id");
    static final VarHandle NOTIF_PID = field(NOTIF, "pid");
    static final VarHandle NOTIF_NR = MethodHandles.insertCoordinates(
            NOTIF.varHandle(groupElement("data"), groupElement("nr")), 1, 0L);
    static final VarHandle NOTIF_ARCH = MethodHandles.insertCoordinates(
            NOTIF.varHandle(groupElement("data"), groupElement("arch")), 1, 0L);
    /** args[i] of the notification's data: get(segment, (long) i). */
    static final VarHandle NOTIF_ARG = MethodHandles.insertCoordinates(
            NOTIF.varHandle(groupElement("data"), groupElement("args"), sequenceElement()), 1, 0L);
    static final int ARGS = 6;

    static final VarHandle RESP_ID = field(RESP, "id");
    static final VarHandle RESP_VAL = field(RESP, "val");
    static final VarHandle RESP_ERROR = field(RESP, "error");
    static final VarHandle RESP_FLAGS = field(RESP, "flags");

    static final VarHandle ADDFD_ID = field(ADDFD, "id");
    static final VarHandle ADDFD_FLAGS = field(ADDFD, "flags");
    static final VarHandle ADDFD_SRCFD = field(ADDFD, "srcfd");
    static final VarHandle ADDFD_NEWFD = field(ADDFD, "newfd");
    static final VarHandle ADDFD_NEWFD_FLAGS = field(ADDFD, "newfd_flags");

    static final VarHandle POLL_FD = field(POLLFD, "fd");
    static final VarHandle POLL_EVENTS = field(POLLFD, "events");
    static final VarHandle POLL_REVENTS = field(POLLFD, "revents");

    /** A handle on one field at offset 0 of a segment: get(segment), set(segment, value). */
    private static VarHandle field(StructLayout struct, String name) {
        return MethodHandles.insertCoordinates(struct.varHandle(groupElement(name)), 1, 0L);
    }
}
