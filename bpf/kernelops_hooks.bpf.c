// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * restracker's kernel-operations tracer, part two: the counting
 * hooks, loaded onto the maps that kernelops.bpf.o pinned.
 *
 *   kmalloc, kmalloc_mem	raw_tp kmem:kmalloc (bytes_req)
 *   kfree, kfree_mem		raw_tp kmem:kfree (the size remembered at kmalloc)
 *   sched			raw_tp sched:sched_switch (current is the task switched out)
 *   up, down, lock, unlock	fentry or kprobe on up, down_interruptible,
 *				mutex_lock (or mutex_lock_nested), mutex_unlock
 *
 * Raw tracepoints rather than tp_btf: the same cost (no record is built, unlike
 * a classic tracepoint program), and older kernels (Debian 12's 6.1) refuse
 * tp_btf reads of kmalloc's `const void *ptr` argument.
 *
 * The lock hooks exist in two variants; user space loads the first one the
 * kernel accepts (bpf_program__set_autoload) and records it in `info`, or
 * neither: there are no tracepoints for these functions.
 *
 * Cost for a task that is not traced: nothing but a read of state->traced
 * while no process is traced; one hash lookup (its tgid in `traced`)
 * otherwise, and for kfree one more while traced processes have blocks
 * outstanding (the address in `allocs`, deleted whoever frees it).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "core.h"
#include "kernelops_maps.h"

#define NSEC_PER_TICK	10000000ULL	/* USER_HZ = 100 */
#define ZERO_SIZE_PTR	16		/* kmalloc(0) returns (void *)16 */
#define EEXIST		17

char LICENSE[] SEC("license") = "GPL";

enum counter { UP, DOWN, LOCK, UNLOCK };

/*
 * Whether a traced entry names an earlier process with the same pid (its exit
 * went unseen): its start time is not that of the current task's process.
 * Such an entry is dropped.
 */
static __always_inline bool stale(struct rt_kernelops_state *st, struct rt_kernelops_entry *e, __u32 tgid)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (e->start_ticks == BPF_CORE_READ(task, group_leader, start_boottime) / NSEC_PER_TICK)
		return false;
	if (bpf_map_delete_elem(&traced, &tgid) == 0) {
		__sync_fetch_and_add(&st->traced, -1);
		__sync_fetch_and_add(&st->stale, 1);
	}
	return true;
}

/* The traced entry of the current task's process, or NULL. */
static __always_inline struct rt_kernelops_entry *current_entry(struct rt_kernelops_state *st)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct rt_kernelops_entry *e = bpf_map_lookup_elem(&traced, &tgid);

	if (!e || stale(st, e, tgid))
		return NULL;
	return e;
}

/* Remembers the size of a block a traced process allocated, for its kfree. */
static __always_inline void remember(struct rt_kernelops_state *st, __u64 ptr, __u64 size)
{
	long rc = bpf_map_update_elem(&allocs, &ptr, &size, BPF_NOEXIST);

	if (rc == 0)
		__sync_fetch_and_add(&st->allocs_live, 1);
	else if (rc == -EEXIST)	/* freed unseen (kfree_bulk): the new size wins */
		bpf_map_update_elem(&allocs, &ptr, &size, BPF_EXIST);
	else
		__sync_fetch_and_add(&st->allocs_dropped, 1);
}

/* kmalloc(call_site, ptr, bytes_req, bytes_alloc, gfp_flags[, node]) */
SEC("raw_tp/kmalloc")
int on_kmalloc(struct bpf_raw_tracepoint_args *ctx)
{
	struct rt_kernelops_state *st = kernelops_state();
	struct rt_kernelops_entry *e;
	__u64 ptr = ctx->args[1], bytes_req = ctx->args[2];

	if (!st || !st->traced)
		return 0;
	e = current_entry(st);
	if (!e)
		return 0;
	__sync_fetch_and_add(&e->kmalloc, 1);
	__sync_fetch_and_add(&e->kmalloc_mem, bytes_req);
	if (ptr > ZERO_SIZE_PTR)
		remember(st, ptr, bytes_req);
	return 0;
}

/* kfree(call_site, ptr) */
SEC("raw_tp/kfree")
int on_kfree(struct bpf_raw_tracepoint_args *ctx)
{
	struct rt_kernelops_state *st = kernelops_state();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 ptr = ctx->args[1], size = 0, *seen;
	struct rt_kernelops_entry *e;
	bool paired = false;

	if (!st || !st->traced)
		return 0;
	e = bpf_map_lookup_elem(&traced, &tgid);
	/* Any free of a remembered block forgets it, traced or not. */
	if (st->allocs_live && ptr > ZERO_SIZE_PTR) {
		seen = bpf_map_lookup_elem(&allocs, &ptr);
		if (seen) {
			size = *seen;
			if (bpf_map_delete_elem(&allocs, &ptr) == 0) {
				__sync_fetch_and_add(&st->allocs_live, -1);
				paired = true;
			}
		}
	}
	if (!e || stale(st, e, tgid))
		return 0;
	__sync_fetch_and_add(&e->kfree, 1);
	if (paired)
		__sync_fetch_and_add(&e->kfree_mem, size);
	return 0;
}

/* sched_switch(preempt, prev, next, prev_state): current is prev. */
SEC("raw_tp/sched_switch")
int on_sched_switch(struct bpf_raw_tracepoint_args *ctx)
{
	struct rt_kernelops_state *st = kernelops_state();
	struct rt_kernelops_entry *e;

	if (!st || !st->traced)
		return 0;
	e = current_entry(st);
	if (e)
		__sync_fetch_and_add(&e->sched, 1);
	return 0;
}

static __always_inline int count(enum counter which)
{
	struct rt_kernelops_state *st = kernelops_state();
	struct rt_kernelops_entry *e;

	if (!st || !st->traced)
		return 0;
	e = current_entry(st);
	if (!e)
		return 0;
	switch (which) {
	case UP:
		__sync_fetch_and_add(&e->up, 1);
		break;
	case DOWN:
		__sync_fetch_and_add(&e->down, 1);
		break;
	case LOCK:
		__sync_fetch_and_add(&e->lock, 1);
		break;
	case UNLOCK:
		__sync_fetch_and_add(&e->unlock, 1);
		break;
	}
	return 0;
}

/*
 * The lock counters, one program per function and variant. User space
 * retargets the mutex_lock programs to mutex_lock_nested on kernels built
 * with CONFIG_DEBUG_LOCK_ALLOC, where mutex_lock is a macro.
 */
SEC("fentry/up")
int fentry_up(void *ctx) { return count(UP); }
SEC("fentry/down_interruptible")
int fentry_down(void *ctx) { return count(DOWN); }
SEC("fentry/mutex_lock")
int fentry_lock(void *ctx) { return count(LOCK); }
SEC("fentry/mutex_unlock")
int fentry_unlock(void *ctx) { return count(UNLOCK); }

SEC("kprobe/up")
int kprobe_up(void *ctx) { return count(UP); }
SEC("kprobe/down_interruptible")
int kprobe_down(void *ctx) { return count(DOWN); }
SEC("kprobe/mutex_lock")
int kprobe_lock(void *ctx) { return count(LOCK); }
SEC("kprobe/mutex_unlock")
int kprobe_unlock(void *ctx) { return count(UNLOCK); }
