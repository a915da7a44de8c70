// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The floor of the tracker's hook mechanism, for bench/run's overhead
 * section and the qemu guest's HookCost: what any program on the same attach points costs a task that is
 * not tracked. Each program does what the tracker's hooks do first for such a
 * task, one hash lookup of its tgid, and nothing else. The map stays empty.
 * bench/floor.c attaches one of them to the attach points it is given.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} tgids SEC(".maps");

static __always_inline int lookup_tgid(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	bpf_map_lookup_elem(&tgids, &tgid);
	return 0;
}

/* Any tracepoint (sys_enter_NAME, sys_exit_NAME): attached by name from user space. */
SEC("tracepoint")
int floor_tp(void *ctx)
{
	return lookup_tgid();
}

/*
 * The same lookup at the return of a syscall function, as the stock kernel's
 * fexit variant of the tracker hooks them: one copy of the program per
 * function, each pointed at its function by the loader before the load
 * (restracker.bench.HookFloor in the qemu guest).
 */
SEC("fexit/__x64_sys_getppid")
int floor_fexit(void *ctx)
{
	return lookup_tgid();
}

/* The raw tracepoint every syscall's exit passes, for comparison. */
SEC("raw_tp/sys_exit")
int floor_raw_exit(void *ctx)
{
	return lookup_tgid();
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
