package restracker.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import restracker.bpf.Features;
import restracker.bpf.Libc;

/** The probes behind `restracker doctor`: each a result in plain words. */
public final class Doctor {
    /** One probe; required ones must pass for the tracker and limiter to work. */
    public record Finding(String what, boolean ok, boolean required, String detail) {}

    private Doctor() {}

    public static List<Finding> probe() {
        List<Finding> f = new ArrayList<>();
        f.add(new Finding("kernel", true, false, System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch")));
        boolean root = Libc.geteuid() == 0;
        f.add(new Finding("privileges", root, true, root ? "running as root"
                : "not root: loading BPF and sending SIGKILL need root (or CAP_BPF, CAP_PERFMON, CAP_KILL)"));
        boolean btf = Files.exists(Path.of("/sys/kernel/btf/vmlinux"));
        f.add(new Finding("kernel BTF", btf, true, btf ? "/sys/kernel/btf/vmlinux present (CO-RE works)"
                : "no /sys/kernel/btf/vmlinux: the kernel lacks CONFIG_DEBUG_INFO_BTF"));
        f.add(new Finding("libbpf", true, true, "libbpf " + Features.libbpfVersion()));
        boolean bpffs = Libc.fileSystemType(Mounts.BPFFS.toString()) == Libc.BPF_FS_MAGIC;
        f.add(new Finding("bpffs", true, false, bpffs ? "mounted on " + Mounts.BPFFS
                : "not mounted on " + Mounts.BPFFS + " (restracker mounts it when it loads)"));
        boolean tracefs = Files.isDirectory(Mounts.TRACEFS.resolve("events"));
        f.add(new Finding("tracefs", true, false, tracefs ? "mounted on " + Mounts.TRACEFS
                : "not mounted on " + Mounts.TRACEFS + " (restracker mounts it when it loads)"));
        f.add(programType("tracepoint programs", Features.PROG_TRACEPOINT, true));
        f.add(programType("raw tracepoint programs", Features.PROG_RAW_TRACEPOINT, false));
        f.add(helper("bpf_send_signal (SIGKILL)", Features.HELPER_SEND_SIGNAL, true));
        f.add(helper("bpf_loop (fd table scan)", Features.HELPER_LOOP, true));
        f.add(helper("bpf_ktime_get_boot_ns", Features.HELPER_KTIME_GET_BOOT_NS, true));
        f.add(syscallTracepoints(tracefs));
        boolean kprobes = Files.exists(Mounts.TRACEFS.resolve("kprobe_events"));
        f.add(new Finding("kprobes", kprobes, false, kprobes ? "available"
                : tracefs ? "unavailable: the kernel is built without CONFIG_KPROBES" : "unknown: tracefs is not mounted"));
        f.add(new Finding("fentry/fexit", false, false,
                "not probed by the tracker, which does not need them (the kernel tracer's lock counters will)"));
        return f;
    }

    private static Finding programType(String what, int type, boolean required) {
        int r = Features.programType(type);
        return new Finding(what, r == 1, required, r == 1 ? "allowed" : r == 0 ? "refused by this kernel"
                : "probe failed (errno " + -r + ")");
    }

    private static Finding helper(String what, int helper, boolean required) {
        int r = Features.helper(Features.PROG_TRACEPOINT, helper);
        return new Finding(what, r == 1, required, r == 1 ? "allowed in tracepoint programs"
                : r == 0 ? "refused by this kernel" : "probe failed (errno " + -r + ")");
    }

    private static Finding syscallTracepoints(boolean tracefs) {
        if (!tracefs) return new Finding("syscall tracepoints", true, false, "not checked: tracefs is not mounted");
        List<String> missing = new ArrayList<>();
        for (String sc : HookedSyscalls.ALL.keySet()) {
            if (!Mounts.tracepointExists("syscalls", "sys_exit_" + sc)) missing.add(sc);
        }
        boolean core = Mounts.tracepointExists("syscalls", "sys_exit_openat")
                && Mounts.tracepointExists("sched", "sched_process_exit");
        String detail = (HookedSyscalls.ALL.size() - missing.size()) + " of " + HookedSyscalls.ALL.size() + " present"
                + (missing.isEmpty() ? "" : "; missing (not counted on this kernel): " + String.join(", ", missing));
        return new Finding("syscall tracepoints", core, true, detail);
    }
}
