package restracker.bpf;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.sys.Native;
import restracker.sys.NativeException;

/**
 * A program pinned on bpffs (loaded once, attached later), opened to attach it: each attachment
 * makes a link and pins it, so that the hook stays attached after this process is gone, and goes
 * when its pin is removed. No object is loaded again and nothing is verified again: an attachment
 * costs a few system calls. A syscall program is not attached but run ({@link #run}).
 */
public final class PinnedProgram implements AutoCloseable {
    private static final Native.Lazy LINK_CREATE = Native.lazy(() -> fn("bpf_link_create", INT, INT, INT, INT, PTR));
    private static final Native.Lazy RAW_TRACEPOINT_OPEN = Native.lazy(() -> fn("bpf_raw_tracepoint_open", INT, PTR, INT));
    private static final Native.Lazy OBJ_PIN = Native.lazy(() -> fn("bpf_obj_pin", INT, INT, PTR));
    private static final Native.Lazy SYSCALL = Native.lazy(() -> Native.variadicWithErrno(Native.LIBC, "syscall",
            FunctionDescriptor.of(LONG, LONG, PTR, LONG, LONG, LONG, LONG), 1));
    private static final long SYS_PERF_EVENT_OPEN = 298;
    /** struct perf_event_attr as of PERF_ATTR_SIZE_VER7; a tracepoint event needs only type, size and config. */
    private static final long PERF_ATTR_SIZE = 128;
    private static final int PERF_TYPE_TRACEPOINT = 2;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    /** enum bpf_attach_type's BPF_PERF_EVENT: a link of a program to a perf event (Linux 5.15). */
    private static final int BPF_PERF_EVENT = 41;

    private final String path;
    private final int fd;

    private PinnedProgram(String path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** The program pinned at path; ENOENT when nothing is pinned there. */
    public static PinnedProgram open(String path) {
        int fd = BpfSyscalls.objGet(path);
        if (fd < 0) throw new NativeException(-fd, "cannot open the pinned BPF program " + path + ": " + Errno.of(-fd).label());
        return new PinnedProgram(path, fd);
    }

    /**
     * Attaches this tracepoint program to the tracepoint whose id tracefs gives (events/CATEGORY/EVENT/id)
     * and pins the link at linkPath; EEXIST when something is pinned there already.
     */
    public void attachTracepoint(int tracepointId, String event, String linkPath) {
        Native.run(arena -> {
            MemorySegment attr = arena.allocate(PERF_ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, PERF_TYPE_TRACEPOINT);
            attr.set(ValueLayout.JAVA_INT, 4, (int) PERF_ATTR_SIZE);
            attr.set(ValueLayout.JAVA_LONG, 8, tracepointId);
            MemorySegment err = Native.errnoSegment(arena);
            // Every CPU's events of the tracepoint, for every task (pid -1 on CPU 0 is how a tracepoint is hooked whole).
            int perf = (int) (long) SYSCALL.get().invokeExact(err, SYS_PERF_EVENT_OPEN, attr, -1L, 0L, -1L, PERF_FLAG_FD_CLOEXEC);
            if (perf < 0) throw new NativeException(Native.errno(err), "cannot open the tracepoint " + event + " for " + path + ": "
                    + Errno.of(Native.errno(err)).label());
            try {
                int link = (int) LINK_CREATE.get().invokeExact(fd, perf, BPF_PERF_EVENT, MemorySegment.NULL);
                if (link < 0) {
                    throw new NativeException(-link, "cannot attach " + path + " to the tracepoint " + event + ": "
                            + Errno.of(-link).label() + (Errno.of(-link) == Errno.EINVAL
                                    ? " (a link to a tracepoint needs Linux 5.15 or later)" : ""));
                }
                pinAndClose(link, linkPath, arena);
            } finally {
                Libc.close(perf);
            }
        });
    }

    /**
     * Attaches this tracing program (fentry, fexit, tp_btf: its target was fixed at load) and pins
     * the link at linkPath; EEXIST when something is pinned there already.
     */
    public void attachTracing(String linkPath) {
        Native.run(arena -> {
            int link = (int) RAW_TRACEPOINT_OPEN.get().invokeExact(MemorySegment.NULL, fd);
            if (link < 0) throw new NativeException(-link, "cannot attach " + path + ": " + Errno.of(-link).label());
            pinAndClose(link, linkPath, arena);
        });
    }

    private void pinAndClose(int link, String linkPath, java.lang.foreign.Arena arena) throws Throwable {
        try {
            int rc = (int) OBJ_PIN.get().invokeExact(link, arena.allocateFrom(linkPath));
            if (rc < 0) throw new NativeException(-rc, "cannot pin the link of " + path + " at " + linkPath + ": " + Errno.of(-rc).label());
        } finally {
            Libc.close(link);
        }
    }

    /**
     * Runs this syscall program once (BPF_PROG_TEST_RUN, one bpf(2) call) with one u32, arg, as its
     * context: what the program returned.
     */
    public int run(int arg) {
        return Native.call(arena -> {
            long rc = BpfSyscalls.testRun(fd, arena.allocateFrom(ValueLayout.JAVA_INT, arg));
            if (rc < 0) throw new NativeException((int) -rc, "cannot run " + path + ": " + Errno.of((int) -rc).label());
            return (int) rc;
        });
    }

    @Override
    public void close() {
        Libc.close(fd);
    }

    private static java.lang.invoke.MethodHandle fn(String name, java.lang.foreign.MemoryLayout ret,
            java.lang.foreign.MemoryLayout... args) {
        return Native.plain(LibbpfLibrary.LOOKUP, name, FunctionDescriptor.of(ret, args));
    }
}
