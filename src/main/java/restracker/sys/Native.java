package restracker.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/** Shared plumbing of the native bindings: the linker, symbol lookup, errno capture. */
public final class Native {
    public static final Linker LINKER = Linker.nativeLinker();
    public static final SymbolLookup LIBC = LINKER.defaultLookup();
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout PTR = ValueLayout.ADDRESS;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private Native() {}

    /**
     * A downcall handle made on first use. Each handle costs milliseconds of start-up (its stub is
     * spun at run time), and a CLI call needs only a few of them.
     */
    public static final class Lazy {
        private final java.util.function.Supplier<MethodHandle> make;
        private volatile MethodHandle handle;

        private Lazy(java.util.function.Supplier<MethodHandle> make) {
            this.make = make;
        }

        public MethodHandle get() {
            MethodHandle h = handle;
            if (h == null) {
                synchronized (this) {
                    h = handle;
                    if (h == null) handle = h = make.get();
                }
            }
            return h;
        }
    }

    public static Lazy lazy(java.util.function.Supplier<MethodHandle> make) {
        return new Lazy(make);
    }

    /** A downcall whose first argument is a capture segment (see {@link #errnoSegment}). */
    public static MethodHandle withErrno(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> missing(name));
        return LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"));
    }

    /** As {@link #withErrno} for a variadic function such as syscall(2). */
    public static MethodHandle variadicWithErrno(SymbolLookup lib, String name, FunctionDescriptor fd, int firstVariadic) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> missing(name));
        return LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"),
                Linker.Option.firstVariadicArg(firstVariadic));
    }

    public static MethodHandle plain(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> missing(name));
        return LINKER.downcallHandle(symbol, fd);
    }

    /**
     * s as a NUL-terminated UTF-8 string allocated in arena, as {@code arena.allocateFrom(s)} makes
     * it, but copied segment to segment: allocateFrom copies from the array through a pattern
     * switch on the array's type, whose class the JDK spins at its first use (one more class a CLI
     * call loads from outside the AOT cache).
     */
    public static MemorySegment cString(Arena arena, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment c = arena.allocate(bytes.length + 1L); // zeroed: the last byte is the NUL
        c.copyFrom(MemorySegment.ofArray(bytes));
        return c;
    }

    public static MemorySegment errnoSegment(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    public static UnsatisfiedLinkError missing(String name) {
        return new UnsatisfiedLinkError("native symbol " + name + " not found");
    }

    /** A native call: a downcall handle's invokeExact declares Throwable. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws Throwable;
    }

    /** A native call given a confined arena for its arguments, freed when it returns. */
    @FunctionalInterface
    public interface ArenaCall<T> {
        T run(Arena arena) throws Throwable;
    }

    /** As {@link Call}, returning nothing. */
    @FunctionalInterface
    public interface Action {
        void run() throws Throwable;
    }

    /** As {@link ArenaCall}, returning nothing. */
    @FunctionalInterface
    public interface ArenaAction {
        void run(Arena arena) throws Throwable;
    }

    /**
     * Runs call; the one place where what a native call throws becomes what callers see: a
     * RuntimeException (a {@link NativeException} with the errno the call captured, among them)
     * or an Error as it is; anything else (the handles here throw nothing checked) as an
     * IllegalStateException.
     */
    public static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** As {@link #call(Call)}, with a confined arena for the call's arguments. */
    public static <T> T call(ArenaCall<T> call) {
        return call(() -> {
            try (Arena arena = Arena.ofConfined()) {
                return call.run(arena);
            }
        });
    }

    /** As {@link #call(Call)}, for a call that returns nothing. */
    public static void run(Action action) {
        call(() -> {
            action.run();
            return null;
        });
    }

    /** As {@link #call(ArenaCall)}, for a call that returns nothing. */
    public static void run(ArenaAction action) {
        call(arena -> {
            action.run(arena);
            return null;
        });
    }
}
