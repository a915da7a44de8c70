// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * restracker's kernel-operations tracer, part one: its tables and
 * the exit hook. This object creates and pins the maps (restracker.kernel
 * loads it like every Blueprint); the counting hooks live in
 * kernelops_hooks.bpf.c, loaded onto the same maps with the variants the running
 * kernel allows (fentry, kprobe, or none for the lock counters).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "core.h"
#include "kernelops_maps.h"
#include "meta.h"

char LICENSE[] SEC("license") = "GPL";

/* Written by user space once the hooks are attached (struct rt_kernelops_info). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_kernelops_info);
} info SEC(".maps");

/*
 * As in the kernel module this replaces, "processes that end their execution
 * are removed": a traced process leaves the table when its last thread exits.
 */
SEC("tracepoint/sched/sched_process_exit")
int on_exit(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct rt_kernelops_state *st = kernelops_state();
	struct task_struct *task;

	if (!st || !st->traced)
		return 0;
	if (!bpf_map_lookup_elem(&traced, &tgid))
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	/* do_exit() has already counted this thread out of signal->live. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (bpf_map_delete_elem(&traced, &tgid) == 0)
		__sync_fetch_and_add(&st->traced, -1);
	return 0;
}
