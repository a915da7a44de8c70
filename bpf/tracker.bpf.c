// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * restracker's tracker and limiter: per-entity heap (data_vm) and open-file
 * accounting, quota check and SIGKILL at the syscall that crossed the line.
 *
 * Every syscall that can change data_vm or the fd table (syscalls.def) is
 * hooked at its entry and its exit, in
 * one of two variants that user space chooses at load time
 * (bpf_program__set_autoload; restracker.tracker.TrackerHooks):
 *
 *   tracepoint	on_enter and on_exit, attached to the sys_enter_* and
 *		sys_exit_* tracepoint of each syscall. Works wherever
 *		tracepoint programs do, but any syscall tracepoint switches
 *		on the syscall slow path for every task.
 *   fentry	fentry_NAME and fexit_NAME on each syscall's __x64_sys_NAME
 *		function (one program per function: a trampoline program has
 *		one target). Fires at the same two points, so the figures are
 *		the same; untracked tasks' other syscalls stay on the fast path.
 *
 * The kernel's own figures are the truth: usage is recomputed from
 * mm->data_vm and a popcount of the fd bitmap at the syscall's exit, never
 * guessed from arguments, and a quota crossed there is enforced there.
 *
 * A process entity's figures belong to its mm_struct and files_struct, not
 * to its thread group: another process may share either (clone with CLONE_VM
 * or CLONE_FILES and not CLONE_THREAD). objects maps the address of each to
 * the process; a hooked syscall of any task whose mm or fd table is there
 * recounts the process's figure, and a quota crossed that way kills the
 * crossing task at once and the process itself at its next context switch
 * (on_switch), or from any task's context where the kernel can signal
 * another task (signal_doomed, bpf_send_signal_task). io_uring's SQPOLL
 * thread and workers install descriptors without a syscall: the fd table is
 * recounted at each request they submit and each completion they post
 * (on_uring_complete).
 *
 * Cost for a task that is not tracked, at a hooked syscall: one hash lookup
 * (groups, by tgid; entities, while no thread entity exists) at its exit, and
 * one more (objects, by the mm or the fd table the syscall can change) while
 * any process is tracked and that mm or table has users outside the task's
 * thread group; the entry hooks are attached only while a thread entity
 * exists, and cost one lookup (groups) then.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "core.h"
#include "restracker.h"
#include "meta.h"

#define SIGKILL		9
#define PAGE_SHIFT	12
#define NSEC_PER_TICK	10000000ULL	/* USER_HZ = 100 */
#define BITS_PER_LONG	64

char LICENSE[] SEC("license") = "GPL";

/* tgid -> 1: the thread group has at least one tracked entity. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_MAX_GROUPS);
	__type(key, __u32);
	__type(value, __u32);
} groups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_MAX_ENTITIES);
	__type(key, __u32);
	__type(value, struct rt_entity);
} entities SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_MAX_ENTITIES);
	__type(key, __u32);
	__type(value, struct rt_quota);
} quotas SEC(".maps");

/* Root's log (slots 0..RT_EVENT_SLOTS-1), then each user log's RT_USER_EVENT_SLOTS. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RT_ALL_EVENT_SLOTS);
	__type(key, __u32);
	__type(value, struct rt_event);
} events SEC(".maps");

/* The heads of the logs: 0 is root's, 1..RT_USER_LOGS one user's each (user space assigns them). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RT_LOGS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct rt_log);
} logs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct rt_state);
} state SEC(".maps");

/* The address of a tracked process's mm_struct or files_struct -> the process. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_MAX_OBJECTS);
	__type(key, __u64);
	__type(value, struct rt_object);
} objects SEC(".maps");

/* A process to kill from another task's context: its tgid and start time (pid-reuse guard). */
struct doomed_owner {
	__u32 tgid;
	__u32 pad;
	__u64 start_ticks;
};

/* Owners doomed by another task's crossing, for signal_doomed (not pinned: kernel-internal). */
struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, RT_DOOMED_SLOTS);
	__type(value, struct doomed_owner);
} doomed SEC(".maps");

/*
 * Linux 6.13+ (bpf_send_signal_task), 6.2+ (the others); signal_doomed is loaded
 * only where all exist, bind_process where the first two do and a syscall
 * program may call them.
 */
extern struct task_struct *bpf_task_from_pid(int pid) __ksym __weak;
extern void bpf_task_release(struct task_struct *p) __ksym __weak;
extern int bpf_send_signal_task(struct task_struct *task, int sig, enum pid_type type, __u64 value) __ksym __weak;
/*
 * Linux 6.2+, any program type: with btf_id 0 it makes a pointer that plain
 * loads read as probe reads do (a fault reads 0), without a helper call. Where
 * it is missing, libbpf sets its address to 0 and the verifier drops the code
 * that calls it (a test of the address guards each use).
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;


/* The common head of every syscalls:sys_enter_* record. */
struct sys_enter_args {
	__u64 common;
	int syscall_nr;
};

/* The common head of every syscalls:sys_exit_* record. */
struct sys_exit_args {
	__u64 common;
	int syscall_nr;
	long ret;
};

struct sched_exec_args {
	__u64 common;
	__u32 filename_loc;
	int pid;
	int old_pid;
};

static __always_inline struct rt_state *shared_state(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&state, &zero);
}

struct fd_scan {
	unsigned long *bits;
	__s64 count;
};

static long count_fd_word(__u32 i, struct fd_scan *scan)
{
	unsigned long word = 0;

	if (bpf_rdonly_cast)
		word = *(unsigned long *)bpf_rdonly_cast(scan->bits + i, 0);
	else
		bpf_probe_read_kernel(&word, sizeof(word), scan->bits + i);
	scan->count += __builtin_popcountl(word);
	return 0;
}

/*
 * The figures, read with plain loads from a BTF-typed task
 * (bpf_get_current_task_btf): the verifier checks each field access against
 * the kernel's BTF and guards the loads (a NULL pointer reads as 0), without
 * a bpf_probe_read_kernel call per field. The heap figure is data_vm +
 * stack_vm (VmData + VmStk); the file figure the population count of the fd
 * table's open_fds bitmap.
 */
static __always_inline __s64 heap_bytes_btf(struct task_struct *task)
{
	struct mm_struct *mm = task->mm;

	return (__s64)(mm->data_vm + mm->stack_vm) << PAGE_SHIFT;
}

/* A process entity's heap from its mm (BTF-typed), keeping the two parts for fetch. */
static __always_inline void recount_heap(struct rt_entity *p, struct mm_struct *mm)
{
	__s64 data = (__s64)mm->data_vm << PAGE_SHIFT, stack = (__s64)mm->stack_vm << PAGE_SHIFT;

	p->vm_data = data;
	p->vm_stack = stack;
	p->heap = data + stack - p->base_heap;
}

static __always_inline void unbind_key(__u64 key, __u32 id)
{
	struct rt_object *o;
	struct rt_state *st;

	if (!key)
		return;
	o = bpf_map_lookup_elem(&objects, &key);
	if (!o || o->tgid != id || bpf_map_delete_elem(&objects, &key))
		return;
	st = shared_state();
	if (st)
		__sync_fetch_and_add(&st->objects, -1);
}

/* Takes p's mm and fd table out of objects (exit, exec, deregistration). */
static __always_inline void unbind(struct rt_entity *p)
{
	if (!(p->flags & RT_F_BOUND))
		return;
	unbind_key(p->mm_key, p->id);
	unbind_key(p->files_key, p->id);
	p->mm_key = 0;
	p->files_key = 0;
	__sync_fetch_and_and(&p->flags, ~RT_F_BOUND);
}

static __always_inline void bind_key(__u64 key, __u32 id, __u32 kind, __u64 guard, __u64 leader)
{
	struct rt_object o = { .tgid = id, .kind = kind, .guard = guard, .leader = leader };
	struct rt_state *st;

	/* Another process tracked with the same mm or table keeps its binding. */
	if (bpf_map_update_elem(&objects, &key, &o, BPF_NOEXIST))
		return;
	st = shared_state();
	if (st)
		__sync_fetch_and_add(&st->objects, 1);
}

/* Puts process entity p's mm and fd table (those of task, a thread of it; BTF-typed) in objects. */
static __always_inline void bind(struct rt_entity *p, struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	struct files_struct *files = task->files;

	if (!mm || !files)
		return;		/* an exiting thread: another one binds */
	if (__sync_fetch_and_or(&p->flags, RT_F_BOUND) & RT_F_BOUND)
		return;
	p->mm_key = (__u64)mm;
	p->files_key = (__u64)files;
	bind_key((__u64)mm, p->id, RT_OBJ_MM, mm->start_stack, (__u64)task->group_leader);
	bind_key((__u64)files, p->id, RT_OBJ_FILES, 0, (__u64)task->group_leader);
}

/*
 * A table of up to FD_WORDS_AT_ONCE words of bitmap (512 descriptors; a new
 * process has 64) is read at once, a larger one a word at a time: by plain
 * loads through bpf_rdonly_cast where the kernel has it, else by probe reads.
 * A word that cannot be read counts as empty either way.
 */
#define FD_WORDS_AT_ONCE	8

static __always_inline __s64 open_files_btf(struct task_struct *task)
{
	struct files_struct *files = task->files;
	struct fdtable *fdt = files->fdt;
	unsigned long words[FD_WORDS_AT_ONCE] = {};
	struct fd_scan scan = {};
	__u32 n, i;

	if (!fdt)
		return 0;
	/* The table a process starts with (64 fds) is part of files_struct: a plain load reads it. */
	if ((unsigned long)fdt->open_fds == (unsigned long)files->open_fds_init)
		return __builtin_popcountl(files->open_fds_init[0]);
	n = fdt->max_fds / BITS_PER_LONG;
	barrier_var(n);		/* the bound below must be checked on n itself */
	if (n <= FD_WORDS_AT_ONCE) {
		/* A table grown beyond 64 fds (as one copied at fork from a parent that had more). */
		unsigned long *bits = words;

		if (bpf_rdonly_cast)
			bits = bpf_rdonly_cast(fdt->open_fds, 0);
		else if (bpf_probe_read_kernel(words, n * sizeof(words[0]), fdt->open_fds))
			goto word_by_word;
#pragma unroll
		for (i = 0; i < FD_WORDS_AT_ONCE; i++)
			if (i < n)
				scan.count += __builtin_popcountl(bits[i]);
		return scan.count;
	}
word_by_word:
	scan.bits = fdt->open_fds;
	bpf_loop(n, count_fd_word, &scan, 0);
	return scan.count;
}

/*
 * Deletes the entity under id (e: its entry) and its quotas; the delete that
 * succeeds gives the entity back to its owner's share.
 */
static __always_inline void forget(__u32 id, struct rt_entity *e)
{
	__u32 log = e->log, flags, scope;
	struct rt_state *st;
	struct rt_log *lg;

	bpf_map_delete_elem(&quotas, &id);
	unbind(e);
	flags = e->flags;
	scope = e->scope;
	if (bpf_map_delete_elem(&entities, &id))
		return;
	lg = bpf_map_lookup_elem(&logs, &log);
	if (lg)
		__sync_fetch_and_add(&lg->entities, -1);
	st = shared_state();
	if (st && (flags & RT_F_DOOMED))
		__sync_fetch_and_add(&st->doomed, -1);
	if (st && scope == RT_SCOPE_THREAD)
		__sync_fetch_and_add(&st->threads, -1);
}

/* As forget, looking the entity up first (no entity: nothing to do). */
static __always_inline void forget_id(__u32 id)
{
	struct rt_entity *e = bpf_map_lookup_elem(&entities, &id);

	if (e)
		forget(id, e);
}

/*
 * Whether task (BTF-typed) started at ticks, in clock ticks since boot (the
 * pid-reuse guard): start_boottime / NSEC_PER_TICK == ticks, tested without a
 * division, as it is on every tracked syscall.
 */
static __always_inline bool started_at(struct task_struct *task, __u64 ticks)
{
	__u64 started = task->start_boottime, tick = ticks * NSEC_PER_TICK;

	return started >= tick && started - tick < NSEC_PER_TICK;
}

/* An entry whose pid now names another task is stale: drop it (owner: a BTF-typed task). */
static __always_inline bool is_stale(struct rt_entity *e, struct task_struct *owner)
{
	struct rt_state *st;
	__u32 zero = 0;

	if (started_at(owner, e->start_ticks))
		return false;
	forget(e->id, e);
	st = bpf_map_lookup_elem(&state, &zero);
	if (st)
		__sync_fetch_and_add(&st->stale_entries, 1);
	return true;
}

/*
 * Appends an event to log (0: root's), overwriting only that log's oldest:
 * one user's floods never push out root's or another user's events.
 */
static __always_inline void log_event(__u32 log, struct rt_entity *e, __u32 reason, __s64 usage,
				      __s64 limit, int syscall_nr, __u32 policy, __u32 kind)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct rt_state *st;
	struct rt_event *ev;
	struct rt_log *lg;
	__u32 zero = 0, slot;
	__u64 seq, n;

	st = bpf_map_lookup_elem(&state, &zero);
	lg = bpf_map_lookup_elem(&logs, &log);
	if (!st || !lg)
		return;
	seq = __sync_fetch_and_add(&st->event_seq, 1) + 1;
	n = __sync_fetch_and_add(&lg->logged, 1) + 1;
	if (log == 0)
		slot = n % RT_EVENT_SLOTS;
	else
		slot = RT_EVENT_SLOTS + (log - 1) * RT_USER_EVENT_SLOTS + n % RT_USER_EVENT_SLOTS;
	ev = bpf_map_lookup_elem(&events, &slot);
	if (!ev)
		return;
	ev->seq = 0;		/* readers skip the slot while it is rewritten */
	ev->log_seq = n;
	ev->time_ns = bpf_ktime_get_boot_ns();
	ev->pid = e->tgid;	/* the process killed: the caller's, or the owner of what it shares */
	ev->tid = (__u32)pid_tgid;
	ev->entity = e->id;
	ev->scope = e->scope;
	ev->reason = reason;
	ev->syscall_nr = syscall_nr;
	ev->usage = usage;
	ev->limit = limit;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	ev->policy = policy;
	ev->kind = kind;
	/* An atomic exchange orders the fields above before seq (full barrier). */
	__sync_lock_test_and_set(&ev->seq, seq);
}

static __always_inline void count_policy_kill(__u32 policy);

static __always_inline void kill(struct rt_entity *e, __u32 log, __u32 reason, __s64 usage,
				 __s64 limit, int syscall_nr, __u32 policy)
{
	__u32 zero = 0;

	if (bpf_send_signal(SIGKILL)) {
		struct rt_state *st = bpf_map_lookup_elem(&state, &zero);

		if (st)
			__sync_fetch_and_add(&st->signal_failures, 1);
	}
	/* Other threads may cross the same quota before the group dies: log once. */
	if (!(__sync_fetch_and_or(&e->flags, RT_F_KILLED) & RT_F_KILLED)) {
		log_event(log, e, reason, usage, limit, syscall_nr, policy, RT_KIND_QUOTA);
		count_policy_kill(policy);
	}
}

/*
 * Marks process p to be killed from another task's context: on_switch kills
 * it when it is next switched out; signal_doomed, where loaded, at the next
 * context switch of any task.
 */
static __always_inline void doom(struct rt_entity *p)
{
	struct doomed_owner d = { .tgid = p->id, .start_ticks = p->start_ticks };
	struct rt_state *st = shared_state();

	if (__sync_fetch_and_or(&p->flags, RT_F_DOOMED) & RT_F_DOOMED)
		return;
	if (!st)
		return;
	__sync_fetch_and_add(&st->doomed, 1);
	if (!bpf_map_push_elem(&doomed, &d, 0))
		__sync_fetch_and_add(&st->doomed_queued, 1);
}

#include "policy_match.h"

/*
 * Usage above quota (strictly greater) kills the calling task's thread group;
 * with crossed_from_outside (the caller only shares e's mm or fd table) e's
 * own process too.
 */
static __always_inline void enforce_as(struct rt_entity *e, int syscall_nr, bool crossed_from_outside)
{
	struct rt_quota *q = bpf_map_lookup_elem(&quotas, &e->id);
	__u32 reason;
	__s64 usage, limit;

	if (!q)
		return;
	if (e->policy && q->layers == RT_Q_ROOT) {
		policy_enforce(e, q, syscall_nr, crossed_from_outside);
		return;
	}
	if (q->heap >= 0 && e->heap > q->heap) {
		reason = RT_REASON_HEAP; usage = e->heap; limit = q->heap;
	} else if (q->files >= 0 && e->files > q->files) {
		reason = RT_REASON_FILES; usage = e->files; limit = q->files;
	} else {
		return;
	}
	if (crossed_from_outside)
		doom(e);
	kill(e, q->log, reason, usage, limit, syscall_nr, 0);
}

static __always_inline void enforce(struct rt_entity *e, int syscall_nr)
{
	enforce_as(e, syscall_nr, false);
}


/*
 * Which figures a syscall can change (its line in syscalls.def): data_vm and
 * stack_vm only change in the memory syscalls (and exec, counted by on_exec;
 * a stack mapping also grows by page faults, up to RLIMIT_STACK each, seen at
 * the next memory syscall), the fd table only in the others.
 * A syscall recounts only its own figure; the other stays as its last
 * recount left it, which is still exact (every thread of a tracked group
 * is hooked). ioctl may do either (a driver may map memory).
 */
#define FIG_HEAP	1
#define FIG_FILES	2
#define FIG_BOTH	(FIG_HEAP | FIG_FILES)

/* The x86-64 numbers of syscalls.def: NR_openat, NR_execve, ... */
enum syscall_nr {
#define HOOKED_SYSCALL(name, nr, figs)	NR_##name = nr,
#define EVENT_SYSCALL(name, nr)		NR_##name = nr,
#include "syscalls.def"
};

/* FILES is the default: only the other syscalls get a case (fewer branches). */
#define FIG_CASE_HEAP(nr)	case nr: return FIG_HEAP;
#define FIG_CASE_BOTH(nr)	case nr: return FIG_BOTH;
#define FIG_CASE_FILES(nr)

static __always_inline __u32 figures_of(int syscall_nr)
{
	switch (syscall_nr) {
#define HOOKED_SYSCALL(name, nr, figs)	FIG_CASE_##figs(NR_##name)
#include "syscalls.def"
	default:
		return FIG_FILES;
	}
}

/* Whether the calling task's thread group has a tracked entity. */
static __always_inline bool in_tracked_group(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return bpf_map_lookup_elem(&groups, &tgid) != NULL;
}

/*
 * At a hooked syscall's entry, in a tracked group: a thread entity notes the
 * figures. A subprogram, not inlined: the fentry variant's 114 programs share
 * its code in the object (libbpf copies it into each program it loads).
 */
static __noinline int syscall_enter(__u32 figs)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct task_struct *task;
	struct rt_entity *t;

	/* Only thread entities need the figures from before the call. */
	if (tid == tgid)
		return 0;
	t = bpf_map_lookup_elem(&entities, &tid);
	if (!t || t->scope != RT_SCOPE_THREAD)
		return 0;
	task = bpf_get_current_task_btf();
	if (is_stale(t, task))
		return 0;
	if (figs & FIG_HEAP)
		t->enter_heap = heap_bytes_btf(task);
	if (figs & FIG_FILES)
		t->enter_files = open_files_btf(task);
	t->in_syscall = 1;
	return 0;
}

/* A syscall's exit in process entity p's group (task: the caller): recount figs (files: the count), enforce. */
static __always_inline void process_exit(struct rt_entity *p, struct task_struct *task, int syscall_nr, __u32 figs,
					 __s64 files)
{
	if (p->scope != RT_SCOPE_PROCESS || is_stale(p, task->group_leader))
		return;
	if (!(p->flags & RT_F_BOUND))
		bind(p, task);	/* registration's own bind (bind_objects) did not run */
	if (figs & FIG_HEAP)
		recount_heap(p, task->mm);
	if (figs & FIG_FILES)
		p->files = files - p->base_files;
	enforce(p, syscall_nr);
}

/* As syscall_exit while no thread entity exists: p is the caller's process entity (a subprogram). */
static __noinline int process_only_exit(struct rt_entity *p, int syscall_nr, __u32 figs)
{
	struct task_struct *task = bpf_get_current_task_btf();

	process_exit(p, task, syscall_nr, figs, figs & FIG_FILES ? open_files_btf(task) : 0);
	return 0;
}

/* At a hooked syscall's exit, in a tracked group: recount figs, then enforce (a subprogram too). */
static __noinline int syscall_exit(int syscall_nr, __u32 figs)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct task_struct *task;
	struct rt_entity *p, *t;
	__s64 heap = 0, files = 0;

	task = bpf_get_current_task_btf();
	if (figs & FIG_HEAP)
		heap = heap_bytes_btf(task);
	if (figs & FIG_FILES)
		files = open_files_btf(task);

	p = bpf_map_lookup_elem(&entities, &tgid);
	if (p)
		process_exit(p, task, syscall_nr, figs, files);

	if (tid == tgid)
		return 0;
	t = bpf_map_lookup_elem(&entities, &tid);
	if (!t || t->scope != RT_SCOPE_THREAD || !t->in_syscall || is_stale(t, task))
		return 0;
	t->in_syscall = 0;
	if (figs & FIG_HEAP)
		t->heap += heap - t->enter_heap;
	if (figs & FIG_FILES)
		t->files += files - t->enter_files;
	enforce(t, syscall_nr);
	return 0;
}

/*
 * Whether p's thread group still uses the mm or fd table at key: its leader
 * (bound in o, read by probe reads: it may be gone) is still p's process and
 * holds key, or has exited while the rest of its group lives on. A binding
 * whose exit was never seen (the table freed and its address reused by
 * another process) fails here, so that no other process is ever counted
 * against p, or killed for it.
 */
static __always_inline bool still_holds(struct rt_object *o, struct rt_entity *p, __u64 key)
{
	struct task_struct *leader = (struct task_struct *)o->leader;
	__u64 held;

	if (BPF_CORE_READ(leader, tgid) != p->id ||
	    BPF_CORE_READ(leader, start_boottime) / NSEC_PER_TICK != p->start_ticks)
		return false;
	held = o->kind == RT_OBJ_MM ? (__u64)BPF_CORE_READ(leader, mm) : (__u64)BPF_CORE_READ(leader, files);
	if (held)
		return held == key;
	return BPF_CORE_READ(leader, signal, live.counter) > 0;
}

/* The process entity object o (found under key) is bound to, if it is still bound there. */
static __always_inline struct rt_entity *owner_of(struct rt_object *o, __u64 key)
{
	__u32 id = o->tgid;
	struct rt_entity *p = bpf_map_lookup_elem(&entities, &id);

	if (p && p->scope == RT_SCOPE_PROCESS && (p->flags & RT_F_BOUND) &&
	    (p->mm_key == key || p->files_key == key) && still_holds(o, p, key))
		return p;
	return NULL;
}

/*
 * At a hooked syscall's exit in a task outside every tracked group: if it
 * shares a tracked process's mm or fd table, recount that process's figure
 * and enforce its quota (the crossing task dies at once, the process at its
 * next context switch). A subprogram.
 */
static __noinline int shared_exit(int syscall_nr, __u32 figs)
{
	struct task_struct *task;
	struct rt_state *st = shared_state();
	struct rt_object *o;
	struct rt_entity *p;
	__u64 key;

	if (!st || !st->objects)
		return 0;
	task = bpf_get_current_task_btf();
	/*
	 * Each live thread of a group holds a reference to its mm (all of them the
	 * same: threads share it), and each task one to its fd table: an mm with no
	 * more users than the caller's group has live threads, or a table with one,
	 * is no other process's, so it needs no lookup. Other references only add.
	 */
	if ((figs & FIG_HEAP) && task->mm->mm_users.counter > task->signal->live.counter) {
		struct mm_struct *mm = task->mm;

		key = (__u64)mm;
		o = bpf_map_lookup_elem(&objects, &key);
		/* The guard: an mm freed and reused at the same address (exit_mm runs before
		 * the exit hook unbinds it) belongs to another exec, with another start_stack. */
		if (o && o->guard == mm->start_stack && (p = owner_of(o, key))) {
			recount_heap(p, mm);
			enforce_as(p, syscall_nr, true);
		}
	}
	if ((figs & FIG_FILES) && task->files->count.counter > 1) {
		key = (__u64)task->files;
		o = bpf_map_lookup_elem(&objects, &key);
		if (o && (p = owner_of(o, key))) {
			p->files = open_files_btf(task) - p->base_files;
			enforce_as(p, syscall_nr, true);
		}
	}
	return 0;
}

/*
 * Every exit hook. While no thread entity exists, a group is tracked exactly
 * when its process is: the process entity's own lookup then stands for the
 * group's.
 */
static __always_inline int exit_hook(int syscall_nr, __u32 figs)
{
	struct rt_state *st = shared_state();
	struct rt_entity *p;
	__u32 tgid;

	if (st && !st->threads) {
		tgid = bpf_get_current_pid_tgid() >> 32;
		p = bpf_map_lookup_elem(&entities, &tgid);
		if (!p)
			return shared_exit(syscall_nr, figs);
		return process_only_exit(p, syscall_nr, figs);
	}
	if (!in_tracked_group())
		return shared_exit(syscall_nr, figs);
	return syscall_exit(syscall_nr, figs);
}

/* The tracepoint variant: attached to every sys_enter_* / sys_exit_* of syscalls.def. */
SEC("tracepoint/syscalls/sys_enter_openat")
int on_enter(struct sys_enter_args *ctx)
{
	if (!in_tracked_group())
		return 0;
	return syscall_enter(figures_of(ctx->syscall_nr));
}

SEC("tracepoint/syscalls/sys_exit_openat")
int on_exit(struct sys_exit_args *ctx)
{
	return exit_hook(ctx->syscall_nr, figures_of(ctx->syscall_nr));
}

/*
 * The fentry variant: a pair of programs per syscall function, one pair for
 * each HOOKED_SYSCALL line of syscalls.def. The x86-64 wrapper __x64_sys_NAME
 * is what the syscall table calls for that line's number, which each exit
 * program has as a constant (an x32 call of the same function, where the
 * kernel allows x32, is reported under the x86-64 number).
 */
#define HOOK(name, nr, figs)							\
SEC("fentry/__x64_sys_" #name)							\
int fentry_##name(__u64 *ctx)							\
{										\
	if (!in_tracked_group())						\
		return 0;							\
	return syscall_enter(figs);						\
}										\
SEC("fexit/__x64_sys_" #name)							\
int fexit_##name(__u64 *ctx)							\
{										\
	return exit_hook(nr, figs);						\
}
#define HOOKED_SYSCALL(name, nr, figs)	HOOK(name, nr, FIG_##figs)
#include "syscalls.def"

/*
 * Whether the credentials exec left (commit_creds runs before the exec
 * tracepoint) give the task more than uid alone has: another uid in any of
 * its four, a group other than its real one (a setgid program), or any
 * capability (file capabilities, or a setuid-root program).
 */
static __always_inline bool privileged_beyond(struct task_struct *task, __u32 uid)
{
	const struct cred *c = BPF_CORE_READ(task, cred);
	__u64 permitted = ~0ULL, effective = ~0ULL;
	__u32 gid;

	if (!c)
		return true;
	if (BPF_CORE_READ(c, uid.val) != uid || BPF_CORE_READ(c, euid.val) != uid ||
	    BPF_CORE_READ(c, suid.val) != uid || BPF_CORE_READ(c, fsuid.val) != uid)
		return true;
	gid = BPF_CORE_READ(c, gid.val);
	if (BPF_CORE_READ(c, egid.val) != gid || BPF_CORE_READ(c, sgid.val) != gid ||
	    BPF_CORE_READ(c, fsgid.val) != gid)
		return true;
	bpf_core_read(&permitted, sizeof(permitted), &c->cap_permitted);
	bpf_core_read(&effective, sizeof(effective), &c->cap_effective);
	return permitted || effective;
}

/*
 * A quota a user set binds that user's own programs only: when exec gives
 * the process privileges, the user's layer goes (root's stays), and the drop
 * is logged in the user's log.
 */
static __always_inline void drop_user_quota_if_privileged(struct rt_entity *p, struct task_struct *task)
{
	struct rt_quota *q = bpf_map_lookup_elem(&quotas, &p->id);
	struct rt_state *st;
	__u32 zero = 0, uid, log;

	if (!q || !(q->layers & RT_Q_USER) || !privileged_beyond(task, q->user_uid))
		return;
	uid = q->user_uid;
	log = q->user_log;
	if (q->layers & RT_Q_ROOT) {
		q->heap = q->root_heap;
		q->files = q->root_files;
		q->log = 0;
		q->layers = RT_Q_ROOT;
	} else {
		bpf_map_delete_elem(&quotas, &p->id);
	}
	st = bpf_map_lookup_elem(&state, &zero);
	if (st)
		__sync_fetch_and_add(&st->quota_drops, 1);
	log_event(log, p, RT_REASON_PRIVILEGES, BPF_CORE_READ(task, cred, euid.val), uid, NR_execve, 0,
		  RT_KIND_QUOTA);
}

/*
 * exec replaces the memory image and closes O_CLOEXEC descriptors. A `run`
 * entity starts counting here; others see the new figures at once. A
 * non-leader thread that execs takes over the leader's pid: its thread entry
 * (under the old tid) is gone with its identity.
 */
SEC("tracepoint/sched/sched_process_exec")
int on_exec(struct sched_exec_args *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 old_pid = ctx->old_pid;
	struct task_struct *task;
	struct rt_entity *p;
	__s64 heap, files;

	policy_exec(tgid);
	if (!bpf_map_lookup_elem(&groups, &tgid))
		return 0;
	if (old_pid != tgid)
		forget_id(old_pid);
	p = bpf_map_lookup_elem(&entities, &tgid);
	if (!p || p->scope != RT_SCOPE_PROCESS)
		return 0;
	task = bpf_get_current_task_btf();
	drop_user_quota_if_privileged(p, task);
	/* A new mm, and a descriptor table of its own if it was shared: bind those. */
	unbind(p);
	bind(p, task);
	heap = heap_bytes_btf(task);
	files = open_files_btf(task);
	if (p->flags & RT_F_REBASE_ON_EXEC) {
		p->base_heap = heap;
		p->base_files = files;
		__sync_fetch_and_and(&p->flags, ~RT_F_REBASE_ON_EXEC);
	}
	recount_heap(p, task->mm);
	p->files = files - p->base_files;
	enforce(p, NR_execve);
	return 0;
}

/* The original patch's do_exit hook, as a tracepoint: a task that exits takes its entries with it. */
SEC("tracepoint/sched/sched_process_exit")
int on_task_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct task_struct *task;

	if (!bpf_map_lookup_elem(&groups, &tgid)) {
		/*
		 * A thread entity can outlive its group's entry: a sibling counted out
		 * of signal->live after this thread but reaching this hook before it
		 * was the last, and deleted the group. One more lookup, on the exits
		 * of threads that do not lead their process only.
		 */
		if (tid != tgid)
			forget_id(tid);
		return 0;
	}
	if (tid != tgid)
		forget_id(tid);
	task = (struct task_struct *)bpf_get_current_task();
	/* do_exit() has already counted this thread out of signal->live. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	forget_id(tgid);
	bpf_map_delete_elem(&groups, &tgid);
	return 0;
}

/*
 * Registration's bind: user space reads the pinned iterator (links/bind_objects)
 * after it put a process entity in entities; every task is visited, and the
 * first live thread of a tracked, unbound process binds its mm and fd table.
 */
SEC("iter/task")
int bind_objects(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct rt_entity *p;
	__u32 tgid;

	if (!task)
		return 0;
	tgid = task->tgid;
	p = bpf_map_lookup_elem(&entities, &tgid);
	if (!p || p->scope != RT_SCOPE_PROCESS || (p->flags & RT_F_BOUND))
		return 0;
	if (!started_at(task->group_leader, p->start_ticks))
		return 0;
	bind(p, task);
	return 0;
}

/* What user space passes bind_process: BPF_PROG_TEST_RUN's context. */
struct bind_args {
	__u32 pid;
};

/*
 * Registration's bind in one bpf(2) call, where the kernel runs syscall
 * programs with bpf_task_from_pid: user space runs it (BPF_PROG_TEST_RUN, no
 * link, no iterator) after it put process entity pid in entities, and the
 * process's leader binds it as bind_objects would. 1 when it is left unbound
 * (the leader had no mm or fd table: it is exiting), for user space to run
 * bind_objects over the other threads; 0 otherwise.
 */
SEC("syscall")
int bind_process(struct bind_args *args)
{
	struct task_struct *task;
	struct rt_entity *p;
	__u32 tgid;
	int unbound = 0;

	task = bpf_task_from_pid(args->pid);
	if (!task)
		return 0;
	tgid = task->tgid;
	p = bpf_map_lookup_elem(&entities, &tgid);
	if (p && p->scope == RT_SCOPE_PROCESS && !(p->flags & RT_F_BOUND) &&
	    started_at(task->group_leader, p->start_ticks)) {
		bind(p, task);
		unbound = !(p->flags & RT_F_BOUND);
	}
	bpf_task_release(task);
	return unbound;
}

/* What user space passes forget_entity: BPF_PROG_TEST_RUN's context. */
struct forget_args {
	__u32 id;
};

/*
 * Deregistration in one bpf(2) call (BPF_PROG_TEST_RUN, under the pin
 * directory's lock): forgets the entity under id as its exit would, then
 * removes its group's marker if no entity of the group is left. Only while no
 * thread entity exists: another thread of the group could then hold one, which
 * user space finds from the group's threads in /proc, so it deregisters itself.
 */
SEC("syscall")
int forget_entity(struct forget_args *args)
{
	struct rt_state *st = shared_state();
	__u32 id = args->id, tgid;
	struct rt_entity *e;

	if (!st || st->threads)
		return RT_FORGET_THREADS;
	e = bpf_map_lookup_elem(&entities, &id);
	if (!e)
		return RT_FORGET_NONE;
	tgid = e->tgid;
	forget(id, e);
	if (!bpf_map_lookup_elem(&entities, &tgid))
		bpf_map_delete_elem(&groups, &tgid);
	return RT_FORGET_DONE;
}

/*
 * io_uring's SQPOLL thread and workers (threads of the process, PF_IO_WORKER)
 * open files without a syscall; each request they submit and each completion
 * they post recounts the fd table (attached to io_uring_complete and to
 * io_uring_submit_req, io_uring_submit_sqe before Linux 6.0 or so: the file
 * of one request is counted at the next request's submission, where a batch
 * of them is submitted before any completion is posted).
 */
SEC("tracepoint/io_uring/io_uring_complete")
int on_uring_complete(void *ctx)
{
	return exit_hook(RT_NR_IO_URING, FIG_FILES);
}

/*
 * The context switch of a task (prev is current here): a doomed process is
 * killed as soon as one of its threads is switched out.
 */
SEC("tracepoint/sched/sched_switch")
int on_switch(void *ctx)
{
	struct rt_state *st = shared_state();
	struct rt_entity *p;
	__u32 tgid;

	if (!st || !st->doomed)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	p = bpf_map_lookup_elem(&entities, &tgid);
	if (p && (p->flags & RT_F_DOOMED))
		bpf_send_signal(SIGKILL);	/* refused (busy): the next switch tries again */
	return 0;
}

/*
 * Where the kernel can signal any task (bpf_send_signal_task, Linux 6.13+): at
 * the next context switch of any task, a doomed process is signalled whatever
 * it does, asleep or running. Loaded only where the kernel has the kfuncs.
 */
SEC("tp_btf/sched_switch")
int signal_doomed(__u64 *ctx)
{
	struct rt_state *st = shared_state();
	struct doomed_owner d;
	struct task_struct *task;

	if (!st || !st->doomed_queued)
		return 0;
	if (bpf_map_pop_elem(&doomed, &d))
		return 0;
	__sync_fetch_and_add(&st->doomed_queued, -1);
	task = bpf_task_from_pid(d.tgid);
	if (!task)
		return 0;
	if (started_at(task, d.start_ticks) &&
	    bpf_send_signal_task(task, SIGKILL, PIDTYPE_TGID, 0) &&
	    !bpf_map_push_elem(&doomed, &d, 0))
		__sync_fetch_and_add(&st->doomed_queued, 1);	/* busy: again at the next switch */
	bpf_task_release(task);
	return 0;
}
