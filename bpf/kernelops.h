/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Records shared by the kernel-operations tracer's BPF objects (kernelops.bpf.c,
 * kernelops_hooks.bpf.c) and user space. Every field is naturally aligned; the
 * Java layouts are generated from kernelops.bpf.o's BTF
 * (restracker.kernelops.KernelOpsStructs), and KernelOpsLayoutTest checks that
 * both objects agree.
 */
#ifndef RESTRACKER_KERNELOPS_H
#define RESTRACKER_KERNELOPS_H

/*
 * Enums, not macros, so that the objects' BTF carries them
 * (rt_kernelops_constants at the end): ContractConstantsTest compares each with
 * its Java copy in restracker.kernelops.KernelOpsRecords. User space alone writes
 * and checks the meta record's ABI version (KernelOpsRecords.ABI_VERSION): a
 * change of a pinned map's layout or meaning bumps it.
 */

/* max_entries of the maps */
enum rt_kernelops_capacity {
	RT_KERNELOPS_MAX_PIDS	= 16384,
	RT_KERNELOPS_MAX_ALLOCS	= 65536,
};

/* Where a lock counter comes from (rt_kernelops_info.*_hook). */
enum rt_kernelops_hook {
	RT_KERNELOPS_HOOK_NONE	= 0,	/* not measured on this kernel */
	RT_KERNELOPS_HOOK_FENTRY	= 1,
	RT_KERNELOPS_HOOK_KPROBE	= 2,
};

/* The lengths of rt_kernelops_info's strings */
enum rt_kernelops_text {
	RT_KERNELOPS_FUNCTION_LEN	= 32,
	RT_KERNELOPS_REASON_LEN	= 192,
};

/* One traced process (key: its tgid). Counters only grow. */
struct rt_kernelops_entry {
	__u32 pid;		/* the key: tgid */
	__u32 pad;
	__u64 start_ticks;	/* start time in clock ticks (/proc/PID/stat field 22): pid-reuse guard */
	__u64 added_ns;		/* CLOCK_BOOTTIME */
	__u64 kmalloc;		/* kmem:kmalloc events */
	__u64 kfree;		/* kmem:kfree events */
	__u64 kmalloc_mem;	/* sum of bytes_req */
	__u64 kfree_mem;	/* sum of bytes_req of freed blocks whose allocation was seen */
	__u64 sched;		/* times switched out (sched:sched_switch, prev) */
	__u64 up;		/* up() */
	__u64 down;		/* down_interruptible() */
	__u64 lock;		/* mutex_lock() (or mutex_lock_nested()) */
	__u64 unlock;		/* mutex_unlock() */
};

/* Shared with user space through an mmap-able array map (one element). */
struct rt_kernelops_state {
	__u64 traced;		/* processes in `traced`; 0 closes every hook at its first load */
	__u64 allocs_live;	/* entries in `allocs` */
	__u64 allocs_dropped;	/* allocations not remembered because `allocs` was full */
	__u64 stale;		/* entries dropped because their pid named another process */
	__u64 pad[4];
};

/*
 * How the pinned hooks were set up, written by user space once they are all
 * attached (ready = 1). A lock counter whose hook is RT_KERNELOPS_HOOK_NONE was not
 * measured: it prints "-", never 0.
 */
struct rt_kernelops_info {
	__u32 ready;
	__u32 up_hook;		/* RT_KERNELOPS_HOOK_* */
	__u32 down_hook;
	__u32 lock_hook;
	__u32 unlock_hook;
	__u32 pad;
	char lock_function[RT_KERNELOPS_FUNCTION_LEN];	/* mutex_lock or mutex_lock_nested */
	char reason[RT_KERNELOPS_REASON_LEN];		/* why a counter is not measured */
};

/*
 * BTF keeps the types that functions and variables use, not an enum used only
 * for its values: this function, which no program calls (libbpf loads only
 * the subprograms a program calls), puts the enums above in the objects' BTF.
 */
struct rt_kernelops_constants {
	enum rt_kernelops_capacity capacity;
	enum rt_kernelops_hook hook;
	enum rt_kernelops_text text;
};

int rt_kernelops_constants(struct rt_kernelops_constants *c);

int rt_kernelops_constants(struct rt_kernelops_constants *c)
{
	return 0;
}

#endif
