package restracker.kernelops;

import java.util.OptionalLong;

/**
 * The counts of one traced process since it was added. The lock counters are empty where the
 * running kernel cannot measure them (see {@link CounterSource}); an empty counter is unknown, not 0.
 */
public record TracedProcess(int pid, String comm, long kmalloc, long kfree, long kmallocMem, long kfreeMem,
        long sched, OptionalLong up, OptionalLong down, OptionalLong lock, OptionalLong unlock) {

    /** The value of one column. */
    public OptionalLong get(Counter c) {
        return switch (c) {
            case KMALLOC -> OptionalLong.of(kmalloc);
            case KFREE -> OptionalLong.of(kfree);
            case KMALLOC_MEM -> OptionalLong.of(kmallocMem);
            case KFREE_MEM -> OptionalLong.of(kfreeMem);
            case SCHED -> OptionalLong.of(sched);
            case UP -> up;
            case DOWN -> down;
            case LOCK -> lock;
            case UNLOCK -> unlock;
        };
    }
}
