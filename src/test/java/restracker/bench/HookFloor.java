package restracker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import restracker.bpf.BpfObject;

/**
 * The floor of a tracker hook variant, for HookCost: bench/floor.bpf.c's one-lookup program at the
 * exit of each syscall that HookCost's loops make (what the variant attaches while a process is
 * tracked and no thread is, and all that an untracked task's syscall meets of it). Exact for those
 * loops: a syscall tracepoint's program runs for its own event only (any attached one puts every
 * task on the syscall slow path, which four cost as much as fifty-nine), and an fexit trampoline
 * belongs to its one function. The links are pinned under a directory of this process's own and
 * removed by {@link #close}.
 */
final class HookFloor implements AutoCloseable {
    /** The syscalls that bench/syscall-loop.c's getppid, openclose and mmap loops make (getppid is not hooked). */
    private static final List<String> SYSCALLS = List.of("openat", "close", "mmap", "munmap");

    private final Path dir;
    private final List<BpfObject> objects;

    private HookFloor(Path dir, List<BpfObject> objects) {
        this.dir = dir;
        this.objects = objects;
    }

    /** Attaches the floor of variant ("tracepoint" or "fentry") from the compiled floor object. */
    static HookFloor attach(String variant, byte[] elf, Path dir) {
        List<BpfObject> objects = new ArrayList<>();
        HookFloor floor = new HookFloor(dir, objects);
        try {
            Files.createDirectories(dir);
            if (variant.equals("tracepoint")) {
                BpfObject o = only(BpfObject.open("floor", elf), "floor_tp", objects);
                o.load();
                for (String sc : SYSCALLS) o.attachTracepointPinned("floor_tp", "syscalls", "sys_exit_" + sc, pin(dir, sc));
            } else if (variant.equals("fentry")) {
                for (String sc : SYSCALLS) { // one program per function: a trampoline program has one target
                    BpfObject o = only(BpfObject.open("floor", elf), "floor_fexit", objects);
                    o.setAttachTarget("floor_fexit", "__x64_sys_" + sc);
                    o.load();
                    o.attachPinned("floor_fexit", pin(dir, sc));
                }
            } else {
                throw new IllegalArgumentException("no floor for the variant " + variant);
            }
            return floor;
        } catch (IOException e) {
            floor.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            floor.close();
            throw e;
        }
    }

    private static BpfObject only(BpfObject o, String program, List<BpfObject> objects) {
        objects.add(o);
        for (String p : o.programs()) o.setAutoload(p, p.equals(program));
        return o;
    }

    private static String pin(Path dir, String syscall) {
        return dir.resolve(syscall).toString();
    }

    /** Detaches: the pins go, then the objects. */
    @Override
    public void close() {
        for (String sc : SYSCALLS) {
            try {
                Files.deleteIfExists(Path.of(pin(dir, sc)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        objects.forEach(BpfObject::close);
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
