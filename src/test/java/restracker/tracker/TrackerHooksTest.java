package restracker.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import restracker.bpf.BpfObject;
import restracker.cli.Environment;
import restracker.kernel.Blueprint;
import restracker.kernel.HookedSyscalls;
import restracker.kernel.PinnedState;
import restracker.sys.NativeException;
import restracker.testing.TestKernel;

/**
 * Choosing the tracker's syscall hooks: the object has both variants for every hooked syscall, the
 * default load takes fentry exactly where the kernel allows it, and fentry asked for alone where it
 * is refused fails plainly, leaving nothing pinned.
 */
class TrackerHooksTest {
    private final Path root = TestKernel.pinDir(TrackerHooksTest.class);

    @AfterEach
    void cleanUp() {
        if (restracker.sys.Libc.geteuid() == 0) PinnedState.unload(root);
    }

    @Test
    void theObjectHasBothVariantsForEveryHookedSyscall() throws Exception {
        byte[] elf;
        try (InputStream in = TrackerHooks.class.getResourceAsStream("/bpf/tracker.bpf.o")) {
            elf = in.readAllBytes();
        }
        Set<String> programs;
        try (BpfObject obj = BpfObject.open("tracker.bpf.o", elf)) {
            programs = new HashSet<>(obj.programs());
        }
        Set<String> expected = new HashSet<>(List.of("on_enter", "on_exit", "on_exec", "on_task_exit", "on_switch",
                "on_uring_complete", "bind_objects", "bind_process", "forget_entity", "signal_doomed", "on_fork", "hold_policies", "on_cgroup_attach",
                "on_uid_change"));
        for (String sc : HookedSyscalls.ALL.keySet()) {
            expected.add("fentry_" + sc);
            expected.add("fexit_" + sc);
        }
        for (String sc : HookedSyscalls.UID_CHANGES.keySet()) expected.add("fexit_" + sc);
        assertEquals(expected, programs, "tracker.bpf.o's fentry/fexit programs and HookedSyscalls both come from bpf/syscalls.def");
    }

    /** fentry where doctor finds it allowed, else the tracepoints; status reads back which. */
    @Test
    void theDefaultLoadAgreesWithDoctor() {
        TestKernel.requireBpf();
        PinnedState.unload(root);
        boolean fentry = fentryAllowed();
        try (ResourceTracker t = ResourceTracker.open(root, TrackerHooks.DEFAULT_PREFERENCE)) {
            TrackerHooks expected = fentry ? TrackerHooks.FENTRY : TrackerHooks.TRACEPOINT;
            assertEquals(expected, t.hooks().orElseThrow());
            Path progs = t.state().dir().resolve("progs");
            assertTrue(Files.exists(progs.resolve(fentry ? "fexit_openat" : "on_exit")), "the variant's programs are pinned");
            assertFalse(Files.exists(progs.resolve(fentry ? "on_exit" : "fexit_openat")), "one variant only");
            assertTrue(t.state().links().contains("sched_process_exit"));
            String doctor = TrackerHooks.probe(root, Environment.trackerHooks(), "").detail();
            assertTrue(doctor.startsWith(expected.label() + ":"), doctor);
            assertTrue(doctor.contains("loaded at " + t.state().dir() + " with " + expected.label()), doctor);
        }
    }

    @Test
    void fentryAloneWhereRefusedFailsAndLeavesNothing() throws Exception {
        TestKernel.requireBpf();
        PinnedState.unload(root);
        if (fentryAllowed()) return; // FentryHooksTest loads fentry alone there
        NativeException e = assertThrows(NativeException.class, () -> ResourceTracker.open(root, List.of(TrackerHooks.FENTRY)));
        assertTrue(e.getMessage().contains("fentry refused"), e.getMessage());
        Path dir = root.resolve("tracker");
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.filter(p -> !p.getFileName().toString().startsWith(".")).toList(), "nothing pinned");
        }
    }

    /**
     * A program loaded only where the kernel has the functions it needs (signal_doomed) that the
     * kernel refuses all the same is left out, and the rest loads. Played with fentry_openat in that
     * role beside the tracepoint variant: refused where fentry is (this project's VMs), loaded
     * where it is allowed.
     */
    @Test
    void aRefusedProgramThatNeedsKernelFunctionsIsLeftOut() {
        TestKernel.requireBpf();
        PinnedState.unload(root);
        Blueprint b = ResourceTracker.blueprint(List.of(TrackerHooks.TRACEPOINT));
        b = new Blueprint(b.name(), b.object(), b.abiVersion(), b.maps(), b.attachments(), b.variants(),
                List.of(new Blueprint.Program("bind_objects", List.of()),
                        new Blueprint.Program("fentry_openat", List.of(TrackerHooks.function("openat")))));
        PinnedState.openOrLoad(root, b).close();
        try (ResourceTracker t = ResourceTracker.open(root, List.of(TrackerHooks.TRACEPOINT))) {
            List<String> links = t.state().links();
            assertTrue(links.contains("bind_objects") && Files.exists(t.state().dir().resolve("progs").resolve("on_exit")),
                    links.toString());
            assertEquals(fentryAllowed(), links.contains("fentry_openat"), links.toString());
        }
    }

    private boolean fentryAllowed() {
        return TrackerHooks.fentryRefused().isEmpty();
    }
}
