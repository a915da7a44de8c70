package restracker.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.sys.Native;
import restracker.sys.NativeException;

/**
 * A BPF object file opened from memory (the jar carries the .bpf.o), loaded into the kernel, its
 * programs attached and its maps and links pinned. Closing it releases restracker's handles; what
 * was pinned stays in the kernel.
 */
public final class BpfObject implements AutoCloseable {
    private final String name;
    private final MemorySegment object;
    /** The link and perf-event descriptors this object's loads and attachments left open. */
    private final Set<Integer> leftOpen = new HashSet<>();

    private BpfObject(String name, MemorySegment object) {
        this.name = name;
        this.object = object;
    }

    /** Whether libbpf's log (the verifier's included) is also printed to stderr as it comes. */
    public static void echoLibbpfLog(boolean on) {
        LibbpfLog.echo(on);
    }

    public static BpfObject open(String name, byte[] elf) {
        Libbpf.installLog();
        Arena arena = Arena.ofAuto();
        MemorySegment image = arena.allocate(elf.length, 8).copyFrom(MemorySegment.ofArray(elf));
        return Native.call(call -> {
            MemorySegment err = Native.errnoSegment(call);
            MemorySegment obj = (MemorySegment) Libbpf.OPEN_MEM.invokeExact(err, image, (long) elf.length,
                    MemorySegment.NULL);
            if (obj.address() == 0) {
                throw new NativeException(Native.errno(err), "libbpf cannot open the BPF object " + name
                        + ": " + lastLog());
            }
            return new BpfObject(name, obj);
        });
    }

    /** Whether the named program is loaded by {@link #load}; used to leave out refused variants. */
    public void setAutoload(String program, boolean autoload) {
        MemorySegment prog = program(program);
        Native.run(() -> {
            int rc = (int) Libbpf.PROGRAM_SET_AUTOLOAD.invokeExact(prog, autoload);
            if (rc < 0) throw new NativeException(-rc, "cannot change autoload of " + program);
        });
    }

    /** Loads every map and program; a verifier rejection quotes the end of the verifier log. */
    public void load() {
        LibbpfLog.drain();
        int rc = Native.call(() -> LinkDescriptors.during(leftOpen, () -> (int) Libbpf.OBJECT_LOAD.invokeExact(object)));
        if (rc < 0) {
            String hint = switch (Errno.of(rc)) {
                case EPERM, EACCES -> Libc.geteuid() == 0 ? "" : " (restracker must run as root, or with CAP_BPF and CAP_PERFMON)";
                default -> "";
            };
            throw new NativeException(-rc, "the kernel refused to load " + name + hint + ": " + lastLog());
        }
    }

    /** Attaches program to tracepoint category:event and pins the link at pinPath. */
    public void attachTracepointPinned(String program, String category, String event, String pinPath) {
        MemorySegment prog = program(program);
        Native.run(() -> {
            LinkDescriptors.during(leftOpen, () -> attachTracepoint(prog, program, category, event, pinPath));
        });
    }

    private static Void attachTracepoint(MemorySegment prog, String program, String category, String event, String pinPath)
            throws Throwable {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment err = Native.errnoSegment(call);
            MemorySegment link = (MemorySegment) Libbpf.ATTACH_TRACEPOINT.invokeExact(err, prog,
                    call.allocateFrom(category), call.allocateFrom(event));
            if (link.address() == 0) {
                throw new NativeException(Native.errno(err), "cannot attach " + program + " to tracepoint "
                        + category + ":" + event + ": " + lastLog());
            }
            int rc = (int) Libbpf.LINK_PIN.invokeExact(link, call.allocateFrom(pinPath));
            if (rc < 0) {
                int ignored = (int) Libbpf.LINK_DESTROY.invokeExact(link);
                throw new NativeException(-rc, "cannot pin the link of " + category + ":" + event + " at "
                        + pinPath + " (pinning tracepoint links needs Linux 5.15 or later)");
            }
            // The pin keeps the link attached; disconnect so that freeing the handle does not detach it.
            Libbpf.LINK_DISCONNECT.invokeExact(link);
            int freed = (int) Libbpf.LINK_DESTROY.invokeExact(link);
            return null;
        }
    }

    /** The names of the object's programs, in ELF order. */
    public List<String> programs() {
        List<String> names = new ArrayList<>();
        return Native.call(() -> {
            MemorySegment p = MemorySegment.NULL;
            for (;;) {
                p = (MemorySegment) Libbpf.NEXT_PROGRAM.invokeExact(object, p);
                if (p.address() == 0) return names;
                MemorySegment name = (MemorySegment) Libbpf.PROGRAM_NAME.invokeExact(p);
                names.add(name.reinterpret(256).getString(0));
            }
        });
    }

    /** Points an fentry/fexit program at another kernel function than its SEC() names (before load). */
    public void setAttachTarget(String program, String function) {
        MemorySegment prog = program(program);
        Native.run(call -> {
            int rc = (int) Libbpf.SET_ATTACH_TARGET.invokeExact(prog, 0, call.allocateFrom(function));
            if (rc < 0) throw new NativeException(-rc, "cannot point " + program + " at " + function + ": " + lastLog());
        });
    }

    /** Makes the object use an existing (pinned) map instead of creating its own (before load). */
    public void reuseMap(String map, BpfMap existing) {
        MemorySegment m = map(map);
        Native.run(() -> {
            int rc = (int) Libbpf.MAP_REUSE_FD.invokeExact(m, existing.fd());
            if (rc < 0) throw new NativeException(-rc, "cannot make " + name + " use the map " + map + ": " + lastLog());
        });
    }

    /**
     * Attaches program where its SEC() says (tp_btf, fentry, kprobe, ...) and pins the link at
     * pinPath; the NativeException carries the kernel's errno and libbpf's explanation.
     */
    public void attachPinned(String program, String pinPath) {
        Native.run(() -> {
            LinkDescriptors.during(leftOpen, () -> pinLink(attach(program), program, pinPath));
        });
    }

    /** Attaches a kprobe program to the entry of a kernel function and pins the link at pinPath. */
    public void attachKprobePinned(String program, String function, String pinPath) {
        MemorySegment prog = program(program);
        Native.run(() -> {
            LinkDescriptors.during(leftOpen, () -> {
                try (Arena call = Arena.ofConfined()) {
                    MemorySegment err = Native.errnoSegment(call);
                    MemorySegment link = (MemorySegment) Libbpf.ATTACH_KPROBE.invokeExact(err, prog, false,
                            call.allocateFrom(function));
                    if (link.address() == 0) {
                        throw new NativeException(Native.errno(err), "cannot attach a kprobe to " + function + ": " + lastLog());
                    }
                    return pinLink(link, program, pinPath);
                }
            });
        });
    }

    /** Attaches program where its SEC() says and detaches it at once: whether the kernel allows it. */
    public void attachAndDetach(String program) {
        Native.run(() -> {
            int ignored = LinkDescriptors.during(leftOpen, () -> (int) Libbpf.LINK_DESTROY.invokeExact(attach(program)));
        });
    }

    /** Attaches program where its SEC() says; the link handle, never NULL. */
    private MemorySegment attach(String program) throws Throwable {
        MemorySegment prog = program(program);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment err = Native.errnoSegment(call);
            MemorySegment link = (MemorySegment) Libbpf.ATTACH.invokeExact(err, prog);
            if (link.address() == 0) {
                throw new NativeException(Native.errno(err), "cannot attach " + program + ": " + lastLog());
            }
            return link;
        }
    }

    /** Pins link at pinPath and lets go of restracker's handle; the pin keeps it attached. */
    private static Void pinLink(MemorySegment link, String program, String pinPath) throws Throwable {
        try (Arena call = Arena.ofConfined()) {
            int rc = (int) Libbpf.LINK_PIN.invokeExact(link, call.allocateFrom(pinPath));
            if (rc < 0) {
                int ignored = (int) Libbpf.LINK_DESTROY.invokeExact(link);
                throw new NativeException(-rc, "cannot pin the link of " + program + " at " + pinPath);
            }
        }
        Libbpf.LINK_DISCONNECT.invokeExact(link);
        int freed = (int) Libbpf.LINK_DESTROY.invokeExact(link);
        return null;
    }

    /** Pins program (loaded) at pinPath, to be attached later by {@link PinnedProgram}. */
    public void pinProgram(String program, String pinPath) {
        MemorySegment prog = program(program);
        Native.run(call -> {
            int rc = (int) Libbpf.PROGRAM_PIN.invokeExact(prog, call.allocateFrom(pinPath));
            if (rc < 0) throw new NativeException(-rc, "cannot pin the program " + program + " at " + pinPath);
        });
    }

    public void pinMap(String map, String pinPath) {
        MemorySegment m = map(map);
        Native.run(call -> {
            int rc = (int) Libbpf.MAP_PIN.invokeExact(m, call.allocateFrom(pinPath));
            if (rc < 0) throw new NativeException(-rc, "cannot pin the BPF map " + map + " at " + pinPath);
        });
    }

    private MemorySegment program(String program) {
        return Native.call(call -> {
            MemorySegment p = (MemorySegment) Libbpf.FIND_PROGRAM.invokeExact(object, call.allocateFrom(program));
            if (p.address() == 0) throw new IllegalArgumentException(name + " has no program " + program);
            return p;
        });
    }

    private MemorySegment map(String map) {
        return Native.call(call -> {
            MemorySegment m = (MemorySegment) Libbpf.FIND_MAP.invokeExact(object, call.allocateFrom(map));
            if (m.address() == 0) throw new IllegalArgumentException(name + " has no map " + map);
            return m;
        });
    }

    private static String lastLog() {
        String log = LibbpfLog.drain().strip();
        if (log.isEmpty()) return "libbpf gave no details (set RESTRACKER_DEBUG=1)";
        int cut = Math.max(0, log.length() - 4000);
        return (cut > 0 ? "...\n" : "") + log.substring(cut);
    }

    /**
     * Frees libbpf's object (programs and maps stay loaded while pinned) and the link descriptors
     * its own attachments left open, none of another object's.
     */
    @Override
    public void close() {
        Native.run(() -> {
            Libbpf.OBJECT_CLOSE.invokeExact(object);
        });
        LinkDescriptors.close(leftOpen);
    }
}
