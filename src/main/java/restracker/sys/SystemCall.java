package restracker.sys;

import static restracker.sys.Native.LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;

/**
 * System calls made through syscall(2) with one function signature (a number and three long
 * arguments, errno captured): a downcall handle's stub is spun at run time for each distinct
 * signature, milliseconds each, so the calls every CLI command makes (geteuid, statfs, close, the
 * bpf(2) commands on pinned maps) share one stub instead of one per libc or libbpf wrapper.
 * Pointers are passed as their addresses; unused arguments as 0.
 */
public final class SystemCall {
    /**
     * The handle takes the function's address as its first argument rather than having it bound:
     * binding it is one more method handle species (and its lambda forms) spun per JVM.
     *
     * <p>It is linked as a function of four named longs, not as the variadic function syscall(2)
     * is declared: on amd64 a variadic call differs only in %al (an upper bound on the vector
     * registers that carry arguments, which the callee may use to skip saving them), and on
     * aarch64 Linux not at all, while glibc's syscall() is written in assembly and moves the six
     * integer registers only. Linked as variadic, the JDK binds that count into the handle: one
     * method handle species more, whose binding makes the two after it (errno capture, allocator)
     * new species too, each spun with its lambda forms at every start (~9 classes); the shapes of
     * the non-variadic handle are among those the JDK's own archive holds.
     */
    private static final Native.Lazy SYSCALL = Native.lazy(() -> Native.LINKER.downcallHandle(
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG), Linker.Option.captureCallState("errno")));
    private static final MemorySegment SYSCALL_ADDRESS =
            Native.LIBC.find("syscall").orElseThrow(() -> Native.missing("syscall"));

    /** The numbers of this machine's system calls (they differ between architectures). */
    public static final long CLOSE, GETEUID, STATFS, BPF;
    /** The same number on every architecture (allocated after the tables were unified). */
    public static final long PIDFD_OPEN = 434;

    static {
        switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> { CLOSE = 3; STATFS = 137; GETEUID = 107; BPF = 321; }
            case "aarch64" -> { CLOSE = 57; STATFS = 43; GETEUID = 175; BPF = 280; }
            default -> throw new ExceptionInInitializerError("restracker does not know the system call numbers of "
                    + System.getProperty("os.arch"));
        }
    }

    private SystemCall() {}

    /** syscall(nr, a, b, c): its result, or -errno when it fails. */
    public static long call(long nr, long a, long b, long c) {
        return Native.call(arena -> call(arena, nr, a, b, c));
    }

    /** As {@link #call(long, long, long, long)}, with the errno capture allocated in arena. */
    public static long call(Arena arena, long nr, long a, long b, long c) throws Throwable {
        MemorySegment err = Native.errnoSegment(arena);
        long rc = (long) SYSCALL.get().invokeExact(SYSCALL_ADDRESS, err, nr, a, b, c);
        return rc == -1 ? -Native.errno(err) : rc;
    }
}
