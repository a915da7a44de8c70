package restracker.bpf;

import java.lang.foreign.MemorySegment;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import restracker.sys.Errno;
import restracker.sys.Native;
import restracker.sys.NativeException;

/** Asks the running kernel, through libbpf's probes, what BPF may do here (for `doctor`). */
public final class Features {
    public static final int PROG_KPROBE = 2, PROG_TRACEPOINT = 5, PROG_RAW_TRACEPOINT = 17;
    public static final int HELPER_SEND_SIGNAL = 109, HELPER_KTIME_GET_BOOT_NS = 125, HELPER_LOOP = 181;

    private Features() {}

    /** 1 supported, 0 refused, negative errno when the probe itself failed. */
    public static int programType(int type) {
        return Native.call(() -> {
            return (int) Libbpf.PROBE_PROG_TYPE.invokeExact(type, MemorySegment.NULL);
        });
    }

    public static int helper(int programType, int helper) {
        return Native.call(() -> {
            return (int) Libbpf.PROBE_HELPER.invokeExact(programType, helper, MemorySegment.NULL);
        });
    }

    /** What trying one program of an object said: ok, or the stage ("load", "attach") that failed and why. */
    public record ProgramProbe(boolean ok, String stage, Errno errno, int rawErrno, String message) {}

    /**
     * Loads one program of an object (all others left out) and attaches it where its SEC() says,
     * then lets go of both: the only sure way to know whether this kernel allows a program type.
     */
    public static ProgramProbe tryProgram(String objectName, byte[] elf, String program) {
        try (BpfObject obj = BpfObject.open(objectName, elf)) {
            for (String p : obj.programs()) obj.setAutoload(p, p.equals(program));
            try {
                obj.load();
            } catch (NativeException e) {
                return new ProgramProbe(false, "load", e.errno(), e.rawErrno(), e.getMessage());
            }
            try {
                obj.attachAndDetach(program);
            } catch (NativeException e) {
                return new ProgramProbe(false, "attach", e.errno(), e.rawErrno(), e.getMessage());
            }
            return new ProgramProbe(true, "attach", null, 0, "allowed");
        }
    }

    /** Which of the named functions the running kernel's BTF (/sys/kernel/btf/vmlinux) has. */
    public static Set<String> kernelFunctions(Collection<String> names) {
        final int btfKindFunc = 12;
        Set<String> present = new LinkedHashSet<>();
        return Native.call(arena -> {
            MemorySegment err = Native.errnoSegment(arena);
            MemorySegment btf = (MemorySegment) Libbpf.BTF_LOAD_VMLINUX.invokeExact(err);
            if (btf.address() == 0) {
                throw new NativeException(Native.errno(err), "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux)");
            }
            try {
                for (String n : names) {
                    int id = (int) Libbpf.BTF_FIND_BY_NAME_KIND.invokeExact(btf, arena.allocateFrom(n), btfKindFunc);
                    if (id > 0) present.add(n);
                }
            } finally {
                Libbpf.BTF_FREE.invokeExact(btf);
            }
            return present;
        });
    }

    public static String libbpfVersion() {
        return Libbpf.version();
    }
}
