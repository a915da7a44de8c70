package restracker.bpf;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import restracker.sys.Native;

import static restracker.sys.Native.INT;
import static restracker.sys.Native.LONG;
import static restracker.sys.Native.PTR;

/**
 * Bindings to libbpf's object, program and link API (libbpf.so.1), resolved once, on the first
 * load or probe: a CLI call that only reads or writes pinned maps never creates these
 * (see {@link BpfSyscalls}). libbpf 1.x returns -errno from int functions
 * and NULL with errno set from pointer functions; callers turn both into {@link NativeException}.
 * Its log (the verifier's among it) is collected by {@link LibbpfLog} instead of going to stderr.
 */
final class Libbpf {
    static final SymbolLookup LIB = LibbpfLibrary.LOOKUP;

    static final MethodHandle OPEN_MEM = Native.withErrno(LIB, "bpf_object__open_mem",
            FunctionDescriptor.of(PTR, PTR, LONG, PTR));
    static final MethodHandle OBJECT_LOAD = fn("bpf_object__load", INT, PTR);
    static final MethodHandle OBJECT_CLOSE = Native.plain(LIB, "bpf_object__close",
            FunctionDescriptor.ofVoid(PTR));
    static final MethodHandle FIND_PROGRAM = fn("bpf_object__find_program_by_name", PTR, PTR, PTR);
    static final MethodHandle FIND_MAP = fn("bpf_object__find_map_by_name", PTR, PTR, PTR);
    static final MethodHandle PROGRAM_SET_AUTOLOAD = fn("bpf_program__set_autoload", INT, PTR, Native.LINKER.canonicalLayouts().get("bool"));
    static final MethodHandle ATTACH_TRACEPOINT = Native.withErrno(LIB, "bpf_program__attach_tracepoint",
            FunctionDescriptor.of(PTR, PTR, PTR, PTR));
    static final MethodHandle LINK_PIN = fn("bpf_link__pin", INT, PTR, PTR);
    static final MethodHandle LINK_DISCONNECT = Native.plain(LIB, "bpf_link__disconnect",
            FunctionDescriptor.ofVoid(PTR));
    static final MethodHandle LINK_DESTROY = fn("bpf_link__destroy", INT, PTR);
    static final MethodHandle MAP_PIN = fn("bpf_map__pin", INT, PTR, PTR);
    static final MethodHandle PROGRAM_PIN = fn("bpf_program__pin", INT, PTR, PTR);
    static final MethodHandle MAP_FD = fn("bpf_map__fd", INT, PTR);
    static final MethodHandle NEXT_PROGRAM = fn("bpf_object__next_program", PTR, PTR, PTR);
    static final MethodHandle PROGRAM_NAME = fn("bpf_program__name", PTR, PTR);
    static final MethodHandle SET_ATTACH_TARGET = fn("bpf_program__set_attach_target", INT, PTR, INT, PTR);
    static final MethodHandle ATTACH = Native.withErrno(LIB, "bpf_program__attach",
            FunctionDescriptor.of(PTR, PTR));
    static final MethodHandle ATTACH_KPROBE = Native.withErrno(LIB, "bpf_program__attach_kprobe",
            FunctionDescriptor.of(PTR, PTR, Native.LINKER.canonicalLayouts().get("bool"), PTR));
    static final MethodHandle MAP_REUSE_FD = fn("bpf_map__reuse_fd", INT, PTR, INT);
    static final MethodHandle BTF_LOAD_VMLINUX = Native.withErrno(LIB, "btf__load_vmlinux_btf",
            FunctionDescriptor.of(PTR));
    static final MethodHandle BTF_FIND_BY_NAME_KIND = fn("btf__find_by_name_kind", INT, PTR, PTR, INT);
    static final MethodHandle BTF_FREE = Native.plain(LIB, "btf__free", FunctionDescriptor.ofVoid(PTR));
    static final MethodHandle PROBE_PROG_TYPE = fn("libbpf_probe_bpf_prog_type", INT, INT, PTR);
    static final MethodHandle PROBE_HELPER = fn("libbpf_probe_bpf_helper", INT, INT, INT, PTR);
    static final MethodHandle MAJOR = fn("libbpf_major_version", INT);
    static final MethodHandle MINOR = fn("libbpf_minor_version", INT);

    private Libbpf() {}

    private static MethodHandle fn(String name, java.lang.foreign.MemoryLayout ret,
            java.lang.foreign.MemoryLayout... args) {
        return Native.plain(LIB, name, FunctionDescriptor.of(ret, args));
    }

    static String version() {
        return Native.call(() -> {
            return (int) MAJOR.invokeExact() + "." + (int) MINOR.invokeExact();
        });
    }

    /** libbpf's print callback: every line goes to {@link LibbpfLog}. */
    static void installLog() {
        LibbpfLog.install(LIB);
    }
}
