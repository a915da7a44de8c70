package restracker.sys;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Reads another process's memory with process_vm_readv(2): one call, no descriptor. */
public final class ProcessMemory {
    private static final Native.Lazy PROCESS_VM_READV = Native.lazy(() -> Native.withErrno(Native.LIBC, "process_vm_readv",
            FunctionDescriptor.of(LONG, INT, PTR, LONG, PTR, LONG, LONG)));

    private ProcessMemory() {}

    /**
     * Up to into.length bytes at address of pid into into; the number read (short where the next
     * page is not mapped), or -errno. The caller checks afterwards that pid is still the task it
     * meant: this reads whatever task has that pid now.
     */
    public static int read(int pid, long address, byte[] into) {
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment buf = arena.allocate(into.length);
            MemorySegment local = arena.allocate(SocketStructs.IOVEC), remote = arena.allocate(SocketStructs.IOVEC);
            SocketStructs.IOV_BASE.set(local, buf);
            SocketStructs.IOV_LEN.set(local, (long) into.length);
            SocketStructs.IOV_BASE.set(remote, MemorySegment.ofAddress(address)); // an address in pid, never dereferenced here
            SocketStructs.IOV_LEN.set(remote, (long) into.length);
            long n = (long) PROCESS_VM_READV.get().invokeExact(err, pid, local, 1L, remote, 1L, 0L);
            if (n < 0) return -Native.errno(err);
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, into, 0, (int) n);
            return (int) n;
        });
    }
}
