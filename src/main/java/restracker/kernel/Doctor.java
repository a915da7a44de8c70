package restracker.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import restracker.bpf.Features;
import restracker.bpf.ObjectFiles;
import restracker.sys.Libc;

/** The probes behind `restracker doctor`: each a result in plain words. */
public final class Doctor {
    /** One probe; required ones must pass for the tracker and limiter to work. */
    public record Finding(String what, boolean ok, boolean required, String detail) {}

    private static final String PROBE_OBJECT = "kernelops_probe.bpf.o";

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
        f.add(cgroup2());
        f.addAll(tracerProbes(root));
        return f;
    }

    /**
     * The kernel tracer's hooks, each tried for real (load, then attach, of an empty program from
     * kernelops_probe.bpf.o): raw tracepoints for kmalloc/kfree/sched_switch; fentry, else kprobes, for the
     * up/down/lock/unlock counters.
     */
    private static List<Finding> tracerProbes(boolean root) {
        List<Finding> f = new ArrayList<>();
        if (!root) {
            f.add(new Finding("tracer hooks", false, false, "not probed: loading BPF programs needs root"));
            return f;
        }
        byte[] elf;
        try {
            elf = ObjectFiles.read(PROBE_OBJECT);
        } catch (RuntimeException e) {
            f.add(new Finding("tracer hooks", false, false, "not probed: " + e.getMessage()));
            return f;
        }
        Features.ProgramProbe tp = Features.tryProgram(PROBE_OBJECT, elf, "probe_raw_tp");
        f.add(new Finding("raw tracepoint attach", tp.ok(), false, tp.ok()
                ? "allowed (the tracer's kmalloc, kfree and sched_switch hooks)"
                : "refused: " + refusal(tp, "a raw_tp program on sched_switch") + "; the kernel tracer cannot run here"));
        Features.ProgramProbe fentry = Features.tryProgram(PROBE_OBJECT, elf, "probe_fentry");
        f.add(new Finding("fentry", fentry.ok(), false, fentry.ok() ? "allowed (BPF trampolines work)"
                : "refused: " + refusal(fentry, "an fentry program on mutex_unlock") + fentryWhy(fentry)));
        Features.ProgramProbe kprobe = Features.tryProgram(PROBE_OBJECT, elf, "probe_kprobe");
        f.add(new Finding("kprobes", kprobe.ok(), false, kprobe.ok() ? "allowed"
                : "refused: " + refusal(kprobe, "a kprobe on mutex_unlock") + kprobeWhy(kprobe)));
        String counters = "up, down, lock and unlock";
        f.add(new Finding("tracer lock counters", fentry.ok() || kprobe.ok(), false, fentry.ok()
                ? counters + " are counted through fentry"
                : kprobe.ok() ? counters + " are counted through kprobes (fentry is refused)"
                : "not measured on this kernel (shown as - and null): they need fentry or kprobes on the kernel"
                        + " functions, which have no tracepoints, and this kernel allows neither"));
        return f;
    }

    private static String refusal(Features.ProgramProbe p, String what) {
        return (p.stage().equals("load") ? "loading " : "attaching ") + what + " fails with " + errnoLabel(p);
    }

    private static String errnoLabel(Features.ProgramProbe p) {
        return p.errno() != restracker.sys.Errno.UNKNOWN ? p.errno().label() : "errno " + p.rawErrno();
    }

    private static String fentryWhy(Features.ProgramProbe p) {
        if (p.rawErrno() == 1 || p.rawErrno() == 13) {
            return ", although restracker runs as root: this kernel does not let BPF programs attach through"
                    + " trampolines (a security policy of the kernel or its hypervisor blocks them)";
        }
        if (p.rawErrno() == 524 || p.rawErrno() == 95) {
            return ": this kernel has no BPF trampolines (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS is off, or the"
                    + " architecture lacks them)";
        }
        return "";
    }

    private static String kprobeWhy(Features.ProgramProbe p) {
        boolean pmu = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"));
        boolean legacy = Files.exists(Mounts.TRACEFS.resolve("kprobe_events"));
        if (!pmu && !legacy) {
            return ": the kernel is built without CONFIG_KPROBES (no kprobe PMU in /sys/bus/event_source/devices,"
                    + " no kprobe_events in tracefs)";
        }
        return "";
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

    /** Where policies' cgroup selectors find cgroup v2 directories (the exe and uid selectors need nothing more). */
    private static Finding cgroup2() {
        List<String> at = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) at.add(f[1]);
            }
        } catch (java.io.IOException e) {
            return new Finding("cgroup v2", false, false, "cannot read /proc/self/mounts: " + e.getMessage());
        }
        return new Finding("cgroup v2", !at.isEmpty(), false, !at.isEmpty()
                ? "mounted on " + String.join(", ", at) + " (policies' --cgroup selectors name directories there)"
                : "not mounted: a policy's --cgroup selector needs a cgroup v2 directory (mount -t cgroup2 none DIR)");
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
