package restracker.bpf;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import restracker.sys.Native;

/**
 * Collects libbpf's log lines (warnings, the verifier log of a program that failed to load) so that
 * a load failure can quote them; with {@link #echo} on they are also printed to stderr.
 * The callback receives a printf format and a va_list, formatted here with vsnprintf.
 */
final class LibbpfLog {
    private static final int BUFFER = 8192;
    private static final int LIBBPF_DEBUG = 2; // enum libbpf_print_level: WARN 0, INFO 1, DEBUG 2
    private static final int KEEP = 64 * 1024;
    private static final StringBuilder LOG = new StringBuilder();
    private static volatile boolean echo;
    /** Made when libbpf first logs: the CLI sets {@link #echo} on every call, and most calls never log. */
    private static final Native.Lazy VSNPRINTF = Native.lazy(() -> Native.plain(Native.LIBC, "vsnprintf",
            FunctionDescriptor.of(INT, PTR, LONG, PTR, PTR)));
    private static boolean installed;

    private LibbpfLog() {}

    /** Also prints every line to stderr (the CLI turns it on for RESTRACKER_DEBUG). */
    static void echo(boolean on) {
        echo = on;
    }

    static synchronized void install(SymbolLookup libbpf) {
        if (installed) return;
        MethodHandle target;
        try {
            target = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        MemorySegment stub = Native.LINKER.upcallStub(target, FunctionDescriptor.of(INT, INT, PTR, PTR),
                Arena.global());
        MethodHandle setPrint = Native.plain(libbpf, "libbpf_set_print", FunctionDescriptor.of(PTR, PTR));
        Native.run(() -> {
            MemorySegment unused = (MemorySegment) setPrint.invokeExact(stub);
        });
        installed = true;
    }

    /** The upcall; it must never throw into native code. */
    @SuppressWarnings("unused")
    private static int print(int level, MemorySegment format, MemorySegment vaList) {
        // libbpf's debug lines (several per program and relocation: thousands for the tracker's
        // fentry variant) are only wanted with RESTRACKER_DEBUG; warnings carry the verifier log.
        if (level >= LIBBPF_DEBUG && !echo) return 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(BUFFER);
            int n = (int) VSNPRINTF.get().invokeExact(buf, (long) BUFFER, format, vaList);
            String line = n < 0 ? "" : buf.getString(0);
            synchronized (LOG) {
                LOG.append(line);
                if (LOG.length() > KEEP) LOG.delete(0, LOG.length() - KEEP);
            }
            if (echo) System.err.print(line);
            return n;
        } catch (Throwable t) {
            return 0;
        }
    }

    /** Everything logged since the last call, and forget it. */
    static String drain() {
        synchronized (LOG) {
            String s = LOG.toString();
            LOG.setLength(0);
            return s;
        }
    }
}
