/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The tracer's maps, declared once for both of its BPF objects: kernelops.bpf.o
 * creates and pins them, kernelops_hooks.bpf.o is loaded onto the pinned ones
 * (bpf_map__reuse_fd), so both see the same tables.
 */
#ifndef RESTRACKER_KERNELOPS_MAPS_H
#define RESTRACKER_KERNELOPS_MAPS_H

#include "kernelops.h"

/* tgid -> counters of a traced process. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_KERNELOPS_MAX_PIDS);
	__type(key, __u32);
	__type(value, struct rt_kernelops_entry);
} traced SEC(".maps");

/*
 * Block address -> bytes_req, for kmallocs by traced processes not yet freed.
 * Any kfree of the address deletes the entry, whoever frees it, so a reused
 * address never pairs with a stale size. User space empties it when tracing
 * starts again after nothing was traced.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_KERNELOPS_MAX_ALLOCS);
	__type(key, __u64);
	__type(value, __u64);
} allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct rt_kernelops_state);
} state SEC(".maps");

static __always_inline struct rt_kernelops_state *kernelops_state(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&state, &zero);
}

#endif
