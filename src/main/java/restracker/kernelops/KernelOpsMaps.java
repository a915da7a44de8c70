package restracker.kernelops;

import restracker.bpf.BpfMap;
import restracker.kernel.PinnedState;

/**
 * The tracer's pinned maps, one component per map of kernelops.bpf.c (bpf/kernelops_maps.h), named
 * as the map there: the list of maps the tracer pins and opens, each checked against the object
 * when the state is opened.
 *
 * @param traced rt_kernelops_entry by traced tgid (KernelOpsEntryRecord)
 * @param allocs the outstanding kmalloc blocks seen, by address
 * @param state the counters shared with the BPF side, rt_kernelops_state, mmap-able (KernelOpsStateRecord)
 * @param info how the pinned hooks were set up, rt_kernelops_info (KernelOpsInfoRecord)
 */
record KernelOpsMaps(BpfMap traced, BpfMap allocs, BpfMap state, BpfMap info) {

    /** The maps of the tracer's state, opened with it. */
    static KernelOpsMaps of(PinnedState state) {
        return state.maps(KernelOpsMaps.class);
    }
}
