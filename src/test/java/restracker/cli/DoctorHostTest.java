package restracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.testing.Cli;
import restracker.testing.KernelReach;
import restracker.testing.TestKernel;

/** `restracker doctor` on this host agrees with what the kernel does when probed without restracker (KernelReach). */
class DoctorHostTest {
    private static Cli.Result doctor;

    @BeforeAll
    static void runDoctor() throws Exception {
        TestKernel.requireBpf();
        Path pinDir = TestKernel.pinDir(DoctorHostTest.class);
        doctor = Cli.run(pinDir, "", "doctor");
    }

    /** The doctor's line for a check: "ok   NAME   detail" or "no   NAME   detail". */
    private static String line(String check) {
        return Arrays.stream(doctor.out().split("\n")).filter(l -> l.matches("(ok|no) +" + check + "  .*")).findFirst()
                .orElseThrow(() -> new AssertionError("a line for " + check + " in:\n" + doctor.out()));
    }

    @Test
    void theTrackerCanRunHereAndDoctorSaysSo() {
        assertEquals(0, doctor.status(), doctor.out() + doctor.err());
        assertTrue(doctor.out().strip().endsWith("the tracker and limiter can run on this kernel"), doctor.out());
    }

    @Test
    void theVariantsNamedAreTheOnesTheKernelAccepts() throws Exception {
        boolean fentry = KernelReach.fentryLoads();
        assertEquals(fentry ? "ok" : "no", line("fentry").substring(0, 2), "our own fentry program loads: " + fentry);
        assertEquals(KernelReach.kprobesAttach() ? "ok" : "no", line("kprobes").substring(0, 2), "kprobe PMU or kprobe_events");
        String hooks = line("tracker syscall hooks").replaceFirst("^ok +tracker syscall hooks +", "");
        assertTrue(hooks.startsWith(fentry ? "fentry" : "tracepoint"), "the variant the kernel accepts: " + hooks);
        assertEquals(KernelReach.lockHook().equals("none") ? "no" : "ok", line("tracer lock counters").substring(0, 2));
    }
}
