package restracker.bpf;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import restracker.sys.Libc;
import restracker.sys.Native;
import restracker.sys.NativeException;

/**
 * The program of a pinned task-iterator link, run over the threads of one process only. Reading
 * the pinned link runs the program on every task of the system, a visit per task; here each run
 * makes a link of its own with the process as the iterator's parameter (the task iterator's pid,
 * Linux 6.1 and later: a kernel before that ignores it and visits every task, as the pinned link
 * does), reads it once and closes it. The program's descriptor is taken from the pinned link once.
 */
public final class ProcessIterator implements AutoCloseable {
    private static final Native.Lazy PROG_GET_FD_BY_ID = Native.lazy(() -> fn("bpf_prog_get_fd_by_id", INT, INT));
    private static final Native.Lazy LINK_CREATE = Native.lazy(() -> fn("bpf_link_create", INT, INT, INT, INT, PTR));
    private static final Native.Lazy ITER_CREATE = Native.lazy(() -> fn("bpf_iter_create", INT, INT));
    private static final Native.Lazy READ = Native.lazy(() -> Native.withErrno(Native.LIBC, "read",
            FunctionDescriptor.of(LONG, INT, PTR, LONG)));
    private static final int EINTR = 4;
    /** What one read asks for: an iterator that prints nothing ends at the first. */
    private static final int CHUNK = 4096;

    private final String path;
    private final int progFd;

    private ProcessIterator(String path, int progFd) {
        this.path = path;
        this.progFd = progFd;
    }

    /** The program of the iterator link pinned at path; ENOENT when nothing is pinned there. */
    public static ProcessIterator ofPinnedLink(String path) {
        return Native.call(arena -> {
            int link = BpfSyscalls.objGet(path);
            if (link < 0) throw new NativeException(-link, "cannot open the pinned BPF link " + path);
            try {
                MemorySegment info = arena.allocate(BpfStructs.LINK_INFO_HEAD);
                MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, (int) BpfStructs.LINK_INFO_HEAD.byteSize());
                int rc = BpfSyscalls.objGetInfo(link, info, len);
                if (rc < 0) throw new NativeException(-rc, "cannot read what the BPF link " + path + " runs");
                int prog = (int) PROG_GET_FD_BY_ID.get().invokeExact((int) BpfStructs.LINK_INFO_PROG_ID.get(info));
                if (prog < 0) throw new NativeException(-prog, "cannot open the program of the BPF link " + path);
                return new ProcessIterator(path, prog);
            } finally {
                Libc.close(link);
            }
        });
    }

    /**
     * Runs the program over every thread of process pid (none when there is no such process);
     * a NativeException with the kernel's errno when the kernel refuses such a link.
     */
    public void run(int pid) {
        Native.run(arena -> {
            MemorySegment task = arena.allocate(BpfStructs.ITER_TASK);
            BpfStructs.ITER_TASK_PID.set(task, pid);
            MemorySegment opts = arena.allocate(BpfStructs.LINK_CREATE_OPTS_HEAD);
            BpfStructs.LINK_CREATE_SZ.set(opts, BpfStructs.LINK_CREATE_OPTS_HEAD.byteSize());
            BpfStructs.LINK_CREATE_ITER_INFO.set(opts, task);
            BpfStructs.LINK_CREATE_ITER_INFO_LEN.set(opts, (int) BpfStructs.ITER_TASK.byteSize());
            int link = (int) LINK_CREATE.get().invokeExact(progFd, 0, BpfStructs.BPF_TRACE_ITER, opts);
            if (link < 0) throw new NativeException(-link, "cannot make an iterator of " + path + " for pid " + pid);
            try {
                int iter = (int) ITER_CREATE.get().invokeExact(link);
                if (iter < 0) throw new NativeException(-iter, "cannot make an iterator of " + path + " for pid " + pid);
                try {
                    MemorySegment buf = arena.allocate(CHUNK), err = Native.errnoSegment(arena);
                    for (;;) {
                        long n = (long) READ.get().invokeExact(err, iter, buf, (long) CHUNK);
                        if (n == 0) return;
                        if (n < 0 && Native.errno(err) != EINTR) {
                            throw new NativeException(Native.errno(err), "cannot run the iterator " + path + " for pid " + pid);
                        }
                    }
                } finally {
                    Libc.close(iter);
                }
            } finally {
                Libc.close(link);
            }
        });
    }

    /** Releases the program's descriptor (the pinned link keeps the program). */
    @Override
    public void close() {
        Libc.close(progFd);
    }

    private static java.lang.invoke.MethodHandle fn(String name, java.lang.foreign.MemoryLayout ret,
            java.lang.foreign.MemoryLayout... args) {
        return Native.plain(LibbpfLibrary.LOOKUP, name, FunctionDescriptor.of(ret, args));
    }
}
