package restracker.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import restracker.kernel.Doctor;
import restracker.tracker.TrackerHooks;

@Command(name = "doctor", description = "Probe what this kernel allows and say, in plain words, what restracker can do here.")
final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        var findings = new java.util.ArrayList<>(Doctor.probe());
        if (restracker.sys.Libc.geteuid() == 0) {
            findings.add(trackerHooks());
        }
        for (Doctor.Finding f : findings) {
            System.out.printf("%-4s %-34s %s%n", f.ok() ? "ok" : f.required() ? "FAIL" : "no", f.what(), f.detail());
        }
        boolean usable = findings.stream().allMatch(f -> f.ok() || !f.required());
        System.out.println(usable ? "the tracker and limiter can run on this kernel"
                : "the tracker and limiter cannot run here: see FAIL above");
        return usable ? 0 : 95;
    }

    private static Doctor.Finding trackerHooks() {
        try {
            return TrackerHooks.probe(Environment.pinDir(), Environment.trackerHooks(), Environment.trackerHooksAsked());
        } catch (IllegalArgumentException e) {
            return new Doctor.Finding("tracker syscall hooks", false, true, e.getMessage());
        }
    }
}
