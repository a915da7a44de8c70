package restracker.kernelops;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every traced process with its counts, and how each counter is measured here.
 *
 * @param processes by pid
 * @param sources per counter, in column order
 * @param allocationsDropped kmallocs of traced processes not remembered because the table of
 *     outstanding blocks was full (their frees then do not count in kfree_mem)
 */
public record KernelOpsSnapshot(List<TracedProcess> processes, Map<Counter, CounterSource> sources,
        long allocationsDropped) {

    public Optional<TracedProcess> process(int pid) {
        return processes.stream().filter(p -> p.pid() == pid).findFirst();
    }
}
