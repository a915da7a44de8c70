/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Policies, the kernel side (part of tracker.bpf.c, included after its
 * tables and helpers): the policy maps, matching a task against them, the
 * entity a match creates, inheritance at fork, and audit and warning events.
 *
 * Matching costs a handful of hash lookups whatever the number of policies:
 * each policy is indexed under one key of one selector (its cgroup if it has
 * one, else its executable, else its uid); a task looks up its executable's
 * {dev, inode}, its real uid, and its cgroup and each ancestor (up to
 * RT_CGROUP_DEPTH), and checks only the policies found there.
 */
#ifndef RESTRACKER_POLICY_MATCH_H
#define RESTRACKER_POLICY_MATCH_H

#define PF_EXITING	0x00000004
#define PF_KTHREAD	0x00200000

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * RT_MAX_POLICIES);	/* room for a set and its replacement */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct rt_policy);
} policies SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_MAX_SELECTOR_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rt_exe_key);
	__type(value, struct rt_policy_set);
} policy_exe SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_MAX_SELECTOR_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct rt_policy_set);
} policy_cgroup SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_MAX_SELECTOR_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct rt_policy_set);
} policy_uid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct rt_policy_state);
} policy_state SEC(".maps");

/* The entity a match or a fork creates is built here (too large for the stack beside a match). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_entity);
} entity_scratch SEC(".maps");

/*
 * The policies of the key being searched, copied from its set: here, not in
 * the match on the stack, which with the two callbacks below would pass the
 * 512 bytes a program's frames may use together.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_policy_set);
} candidates SEC(".maps");

/* What a task is to the selectors, and the tightest quotas of the policies it matches. */
struct match {
	__u64 exe_ino;
	__u32 exe_dev;
	__u32 uid;
	__u32 cgroups;			/* valid entries of cgroup[] */
	__u32 source;			/* the index being searched: 0 exe, 1 uid, 2.. cgroup[source - 2] */
	__u64 cgroup[RT_CGROUP_DEPTH];	/* the task's cgroup, then each ancestor up */
	__u32 heap_policy;		/* the policy whose heap quota is tightest (0: none) */
	__u32 files_policy;
	__u32 policy_flags;		/* RT_PE_INHERIT, RT_PE_AUDIT_* */
	__s64 heap;
	__s64 files;
	__s64 heap_warn;
	__s64 files_warn;
};

static __always_inline struct rt_policy_state *policy_shared(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&policy_state, &zero);
}

static __always_inline void count_policy_kill(__u32 policy)
{
	struct rt_policy *pol;

	if (!policy)
		return;
	pol = bpf_map_lookup_elem(&policies, &policy);
	if (pol)
		__sync_fetch_and_add(&pol->killed, 1);
}

/* The usage above which pct percent of limit is passed (0: no warning). */
static __always_inline __s64 warn_threshold(__s64 limit, __u32 pct)
{
	if (!pct || limit <= 0)
		return 0;
	return (__s64)((__u64)limit * pct / 100);
}

/* Takes pol's quotas where they are tighter than m's (at a tie, enforce beats audit). */
static __always_inline void merge(struct match *m, struct rt_policy *pol)
{
	bool audit = pol->flags & RT_PF_AUDIT;

	if (pol->heap >= 0 && (!m->heap_policy || pol->heap < m->heap ||
			       (pol->heap == m->heap && !audit))) {
		m->heap = pol->heap;
		m->heap_policy = pol->id;
		m->heap_warn = warn_threshold(pol->heap, pol->warn_percent);
		if (audit)
			m->policy_flags |= RT_PE_AUDIT_HEAP;
		else
			m->policy_flags &= ~RT_PE_AUDIT_HEAP;
	}
	if (pol->files >= 0 && (!m->files_policy || pol->files < m->files ||
				(pol->files == m->files && !audit))) {
		m->files = pol->files;
		m->files_policy = pol->id;
		m->files_warn = warn_threshold(pol->files, pol->warn_percent);
		if (audit)
			m->policy_flags |= RT_PE_AUDIT_FILES;
		else
			m->policy_flags &= ~RT_PE_AUDIT_FILES;
	}
	if (pol->flags & RT_PF_CHILDREN)
		m->policy_flags |= RT_PE_INHERIT;
}

/* One policy of the key being searched: all its selectors must match. */
static long check_candidate(__u32 i, struct match *m)
{
	struct rt_policy_set *c;
	struct rt_policy *pol;
	__u32 id, zero = 0;

	if (i >= RT_SET_POLICIES)
		return 1;
	c = bpf_map_lookup_elem(&candidates, &zero);
	if (!c)
		return 1;
	id = c->ids[i];
	pol = bpf_map_lookup_elem(&policies, &id);
	if (!pol)
		return 0;
	/* Found under its cgroup: that matched; found elsewhere: it has none (see the index rule). */
	if ((pol->selectors & RT_SEL_CGROUP) != (m->source >= 2 ? RT_SEL_CGROUP : 0))
		return 0;
	if ((pol->selectors & RT_SEL_EXE) && (pol->exe_dev != m->exe_dev || pol->exe_ino != m->exe_ino))
		return 0;
	if ((pol->selectors & RT_SEL_UID) && pol->uid != m->uid)
		return 0;
	merge(m, pol);
	return 0;
}

/* One index: the executable's, the uid's, or one cgroup's (source - 2, nearest first). */
static long search_source(__u32 source, struct match *m)
{
	struct rt_policy_set *set, *c;
	struct rt_exe_key exe = {};
	__u32 n, level, zero = 0;
	__u64 cg;

	if (source == 0) {
		if (!m->exe_ino)
			return 0;
		exe.dev = m->exe_dev;
		exe.ino = m->exe_ino;
		set = bpf_map_lookup_elem(&policy_exe, &exe);
	} else if (source == 1) {
		set = bpf_map_lookup_elem(&policy_uid, &m->uid);
	} else {
		level = source - 2;
		if (level >= m->cgroups || level >= RT_CGROUP_DEPTH)
			return 1;
		cg = m->cgroup[level];
		set = bpf_map_lookup_elem(&policy_cgroup, &cg);
	}
	if (!set)
		return 0;
	n = set->count;
	if (n > RT_SET_POLICIES)
		n = RT_SET_POLICIES;
	c = bpf_map_lookup_elem(&candidates, &zero);
	if (!c)
		return 0;
	__builtin_memcpy(c->ids, set->ids, sizeof(c->ids));
	m->source = source;
	bpf_loop(n, check_candidate, m, 0);
	return 0;
}

/*
 * Matches task (BTF-typed) against every policy: true when one matches, with
 * m holding the tightest quota of each kind. Never init, a kernel thread or
 * an exiting task.
 */
static __always_inline bool policy_match(struct task_struct *task, struct match *m)
{
	struct cgroup *cg;
	struct file *exe;
	struct mm_struct *mm = task->mm;
	__u32 i;

	if (!mm || task->tgid == 1 || (task->flags & (PF_KTHREAD | PF_EXITING)))
		return false;
	exe = mm->exe_file;
	if (exe) {
		m->exe_ino = exe->f_inode->i_ino;
		m->exe_dev = exe->f_inode->i_sb->s_dev;
	}
	m->uid = BPF_CORE_READ(task, cred, uid.val);
	cg = task->cgroups->dfl_cgrp;
	for (i = 0; i < RT_CGROUP_DEPTH && cg; i++) {
		struct cgroup_subsys_state *parent = cg->self.parent;

		m->cgroup[i] = cg->kn->id;
		m->cgroups = i + 1;
		cg = parent ? parent->cgroup : NULL;
	}
	bpf_loop(2 + RT_CGROUP_DEPTH, search_source, m, 0);
	return m->heap_policy || m->files_policy;
}

/* The policy that holds an entity of m: the heap quota's, else the files quota's. */
static __always_inline __u32 holder(struct match *m)
{
	return m->heap_policy ? m->heap_policy : m->files_policy;
}

/* Writes m's policy fields into entity p (its notes of events already logged start anew). */
static __always_inline void take_match(struct rt_entity *p, struct match *m)
{
	p->policy = holder(m);
	p->policy_flags = m->policy_flags;
	p->heap_policy = m->heap_policy;
	p->files_policy = m->files_policy;
	p->heap_warn = m->heap_warn;
	p->files_warn = m->files_warn;
}

/* Root's quota record of m's quotas. */
static __always_inline void quota_of_match(struct rt_quota *q, struct match *m)
{
	q->heap = m->heap_policy ? m->heap : RT_UNLIMITED;
	q->files = m->files_policy ? m->files : RT_UNLIMITED;
	q->log = 0;
	q->layers = RT_Q_ROOT;
	q->root_heap = q->heap;
	q->root_files = q->files;
	q->user_heap = RT_UNLIMITED;
	q->user_files = RT_UNLIMITED;
}

/*
 * Puts entity e (built in entity_scratch) and its quota q in the tables, its
 * group marked, counted in its log's share, and binds its mm and fd table
 * (task's). False when the tables are full or it is there already.
 */
static __always_inline bool insert_entity(struct rt_entity *e, struct rt_quota *q, struct task_struct *task)
{
	struct rt_policy_state *ps = policy_shared();
	__u32 id = e->id, log = e->log, one = 1;
	struct rt_entity *p;
	struct rt_log *lg;

	/* Counted first, as user space does: a user's tree never grows past its share. */
	lg = bpf_map_lookup_elem(&logs, &log);
	if (!lg)
		goto refused;
	if (__sync_fetch_and_add(&lg->entities, 1) >= RT_USER_ENTITIES && log != 0)
		goto given_back;
	if (q && bpf_map_update_elem(&quotas, &id, q, BPF_ANY))
		goto given_back;
	if (bpf_map_update_elem(&entities, &id, e, BPF_NOEXIST)) {
		if (q && !bpf_map_lookup_elem(&entities, &id))
			bpf_map_delete_elem(&quotas, &id);
		goto given_back;
	}
	bpf_map_update_elem(&groups, &id, &one, BPF_ANY);
	if (ps)
		__sync_fetch_and_add(&ps->held, 1);
	p = bpf_map_lookup_elem(&entities, &id);
	if (p)
		bind(p, task);
	return true;
given_back:
	__sync_fetch_and_add(&lg->entities, -1);
refused:
	if (ps)
		__sync_fetch_and_add(&ps->refused, 1);
	return false;
}

static __always_inline struct rt_entity *scratch_entity(void)
{
	__u32 zero = 0;
	struct rt_entity *e = bpf_map_lookup_elem(&entity_scratch, &zero);

	if (e)
		__builtin_memset(e, 0, sizeof(*e));
	return e;
}

/*
 * Holds task (a thread-group leader, BTF-typed) as a process entity of m's
 * policies, root's, with usage counted from now; at_exec: from the exec, which
 * on_exec rebases.
 */
static __always_inline void hold(struct task_struct *task, struct match *m, bool at_exec)
{
	struct rt_entity *e = scratch_entity();
	struct rt_quota q = {};
	__s64 heap, files;

	if (!e)
		return;
	e->id = task->tgid;
	e->tgid = task->tgid;
	e->scope = RT_SCOPE_PROCESS;
	e->start_ticks = task->group_leader->start_boottime / NSEC_PER_TICK;
	e->registered_ns = bpf_ktime_get_boot_ns();
	if (at_exec) {
		e->flags = RT_F_REBASE_ON_EXEC;
	} else {
		heap = heap_bytes_btf(task);
		files = open_files_btf(task);
		e->base_heap = heap;
		e->base_files = files;
		e->vm_data = (__s64)task->mm->data_vm << PAGE_SHIFT;
		e->vm_stack = (__s64)task->mm->stack_vm << PAGE_SHIFT;
	}
	take_match(e, m);
	quota_of_match(&q, m);
	insert_entity(e, &q, task);
}

/*
 * At exec (called first by on_exec): a process no entity holds becomes one
 * if it matches a policy; one a policy holds (not as its children) is
 * matched anew, for what it runs now: it keeps the tightest quotas that
 * match, counted from this exec, or is let go.
 */
static __always_inline void policy_exec(__u32 tgid)
{
	struct rt_policy_state *ps = policy_shared();
	struct task_struct *task;
	struct rt_entity *p;
	struct rt_quota *q;
	struct match m = {};

	if (!ps || !ps->policies)
		return;
	task = bpf_get_current_task_btf();
	p = bpf_map_lookup_elem(&entities, &tgid);
	if (!p) {
		if (policy_match(task, &m))
			hold(task, &m, true);
		return;
	}
	if (!p->policy || p->scope != RT_SCOPE_PROCESS || (p->policy_flags & RT_PE_INHERIT))
		return;
	if (!policy_match(task, &m)) {
		forget(tgid, p);
		return;
	}
	q = bpf_map_lookup_elem(&quotas, &tgid);
	if (!q || q->layers != RT_Q_ROOT)
		return;		/* a user's quota beside the policy's: leave both as they are */
	quota_of_match(q, &m);
	take_match(p, &m);
	__sync_fetch_and_or(&p->flags, RT_F_REBASE_ON_EXEC);
	__sync_fetch_and_and(&p->flags, ~RT_F_KILLED);
}

/*
 * A process that entered a cgroup or a real uid without an exec (moved by a
 * write to cgroup.procs, or set*uid()): the policies it matches now are added
 * to what it has. One no entity holds is held from now, as hold_policies
 * holds a running process; one a policy holds (root's quotas alone) takes any
 * tighter quota, against its usage as counted so far. Nothing is taken away:
 * one that leaves a policy's cgroup or uid keeps that policy's quotas until
 * its next exec matches it anew. An explicit register or cap (no policy) and
 * a user's layer beside a policy's are left as they are. task: BTF-typed, any
 * thread of the process, current or not.
 */
static __always_inline void policy_entered(struct task_struct *task)
{
	struct rt_policy_state *ps = policy_shared();
	__u32 tgid = task->tgid, keep = 0, now;
	struct rt_quota *q = NULL;
	struct rt_entity *p;
	struct match m = {};

	if (!ps || !ps->policies)
		return;
	p = bpf_map_lookup_elem(&entities, &tgid);
	if (p) {
		if (!p->policy || p->scope != RT_SCOPE_PROCESS)
			return;
		q = bpf_map_lookup_elem(&quotas, &tgid);
		if (!q || q->layers != RT_Q_ROOT)
			return;
		/* What it has is where the merge starts: only a tighter quota replaces one. */
		m.heap_policy = p->heap_policy;
		m.files_policy = p->files_policy;
		m.heap = q->heap;
		m.files = q->files;
		m.heap_warn = p->heap_warn;
		m.files_warn = p->files_warn;
		m.policy_flags = p->policy_flags & (RT_PE_INHERIT | RT_PE_AUDIT_HEAP | RT_PE_AUDIT_FILES);
	}
	/* One matching for both cases (it is most of what the verifier walks). */
	if (!policy_match(task, &m))
		return;
	if (!p) {
		hold(task, &m, false);
		return;
	}
	if (!q)
		return;
	/* The same quota from another policy of the same mode is nothing tighter: its policy stays. */
	if (m.heap == q->heap && !((m.policy_flags ^ p->policy_flags) & RT_PE_AUDIT_HEAP)) {
		m.heap_policy = p->heap_policy;
		m.heap_warn = p->heap_warn;
	}
	if (m.files == q->files && !((m.policy_flags ^ p->policy_flags) & RT_PE_AUDIT_FILES)) {
		m.files_policy = p->files_policy;
		m.files_warn = p->files_warn;
	}
	if (m.heap_policy == p->heap_policy)
		keep |= RT_PE_NOTED_HEAP | RT_PE_WARNED_HEAP;
	if (m.files_policy == p->files_policy)
		keep |= RT_PE_NOTED_FILES | RT_PE_WARNED_FILES;
	now = p->policy_flags;
	if ((keep & (RT_PE_NOTED_HEAP | RT_PE_NOTED_FILES)) == (RT_PE_NOTED_HEAP | RT_PE_NOTED_FILES) &&
	    m.policy_flags == (now & (RT_PE_INHERIT | RT_PE_AUDIT_HEAP | RT_PE_AUDIT_FILES)))
		return;		/* nothing tighter */
	quota_of_match(q, &m);
	p->policy = holder(&m);
	p->heap_policy = m.heap_policy;
	p->files_policy = m.files_policy;
	p->heap_warn = m.heap_warn;
	p->files_warn = m.files_warn;
	/* The notes of a quota that changed start anew; its own syscalls may set others meanwhile. */
	__sync_fetch_and_and(&p->policy_flags, keep | m.policy_flags);
	__sync_fetch_and_or(&p->policy_flags, m.policy_flags);
}

/* Logs an audit or warning event once per entity and quota (note: its RT_PE_NOTED_* or WARNED_* bit). */
static __always_inline void notice(struct rt_entity *e, __u32 note, __u32 kind, __u32 reason, __s64 usage,
				   __s64 limit, __u32 policy, int syscall_nr)
{
	struct rt_policy_state *ps;
	struct rt_policy *pol;

	if (__sync_fetch_and_or(&e->policy_flags, note) & note)
		return;
	log_event(0, e, reason, usage, limit, syscall_nr, policy, kind);
	ps = policy_shared();
	if (ps)
		__sync_fetch_and_add(&ps->notices, 1);
	pol = bpf_map_lookup_elem(&policies, &policy);
	if (!pol)
		return;
	if (kind == RT_KIND_AUDIT)
		__sync_fetch_and_add(&pol->audited, 1);
	else
		__sync_fetch_and_add(&pol->warned, 1);
}

/*
 * The quota check of an entity a policy holds (root's quotas only): an
 * enforce policy's quota kills as cap's does; an audit policy's crossing is
 * logged once; a warning threshold passed is logged once.
 */
static __always_inline void policy_enforce(struct rt_entity *e, struct rt_quota *q, int syscall_nr,
					   bool crossed_from_outside)
{
	if (q->heap >= 0 && e->heap > q->heap) {
		if (!(e->policy_flags & RT_PE_AUDIT_HEAP)) {
			if (crossed_from_outside)
				doom(e);
			kill(e, q->log, RT_REASON_HEAP, e->heap, q->heap, syscall_nr, e->heap_policy);
			return;
		}
		notice(e, RT_PE_NOTED_HEAP, RT_KIND_AUDIT, RT_REASON_HEAP, e->heap, q->heap, e->heap_policy,
		       syscall_nr);
	} else if (e->heap_warn > 0 && e->heap > e->heap_warn) {
		notice(e, RT_PE_WARNED_HEAP, RT_KIND_WARN, RT_REASON_HEAP, e->heap, e->heap_warn, e->heap_policy,
		       syscall_nr);
	}
	if (q->files >= 0 && e->files > q->files) {
		if (!(e->policy_flags & RT_PE_AUDIT_FILES)) {
			if (crossed_from_outside)
				doom(e);
			kill(e, q->log, RT_REASON_FILES, e->files, q->files, syscall_nr, e->files_policy);
			return;
		}
		notice(e, RT_PE_NOTED_FILES, RT_KIND_AUDIT, RT_REASON_FILES, e->files, q->files, e->files_policy,
		       syscall_nr);
	} else if (e->files_warn > 0 && e->files > e->files_warn) {
		notice(e, RT_PE_WARNED_FILES, RT_KIND_WARN, RT_REASON_FILES, e->files, e->files_warn,
		       e->files_policy, syscall_nr);
	}
}

/*
 * A process forked (not a thread) by a process entity that inherits (`run`
 * without --no-children, an exe policy with children) or that a policy holds
 * (the child runs the same executable, as the same uid, in the same cgroup)
 * gets a process entity of its own with the same quotas, counted from this
 * fork. The tracepoint fires in the parent before the child first runs.
 * tp_btf gives the child's task_struct; every kernel restracker loads on has
 * it (bpf_get_current_task_btf, which every hook uses, is newer).
 */
SEC("tp_btf/sched_process_fork")
int on_fork(__u64 *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx[0];
	struct task_struct *child = (struct task_struct *)ctx[1];
	__u32 ptgid = parent->tgid, cpid;
	struct rt_entity *pe, *e;
	struct rt_quota *q, copy;
	struct mm_struct *mm;

	if (!bpf_map_lookup_elem(&groups, &ptgid))
		return 0;
	cpid = child->pid;
	if (cpid != child->tgid)
		return 0;	/* a new thread: its process's entity counts it */
	pe = bpf_map_lookup_elem(&entities, &ptgid);
	if (!pe || pe->scope != RT_SCOPE_PROCESS || (!pe->policy && !(pe->policy_flags & RT_PE_INHERIT)))
		return 0;
	e = scratch_entity();
	if (!e)
		return 0;
	__builtin_memcpy(e, pe, sizeof(*e));
	e->id = cpid;
	e->tgid = cpid;
	e->flags = 0;
	e->start_ticks = child->start_boottime / NSEC_PER_TICK;
	e->registered_ns = bpf_ktime_get_boot_ns();
	e->heap = 0;
	e->files = 0;
	e->in_syscall = 0;
	e->mm_key = 0;
	e->files_key = 0;
	mm = child->mm;
	if (mm) {
		e->vm_data = (__s64)mm->data_vm << PAGE_SHIFT;
		e->vm_stack = (__s64)mm->stack_vm << PAGE_SHIFT;
		e->base_heap = e->vm_data + e->vm_stack;
	}
	e->base_files = child->files ? open_files_btf(child) : 0;
	e->policy_flags &= RT_PE_INHERIT | RT_PE_AUDIT_HEAP | RT_PE_AUDIT_FILES;
	q = bpf_map_lookup_elem(&quotas, &ptgid);
	if (q)
		__builtin_memcpy(&copy, q, sizeof(copy));
	insert_entity(e, q ? &copy : NULL, child);
	return 0;
}

/*
 * A process moved into another cgroup v2 without an exec (its pid written to
 * cgroup.procs by an operator or a container runtime): a cgroup policy may
 * select it now. The tracepoint fires in the writer's context, after the
 * move, for the moved thread-group leader (or a thread, through
 * cgroup.threads: its process is matched by its leader, as at exec), and only
 * at moves. A move in a cgroup v1 hierarchy (dst is not the task's cgroup v2
 * cgroup) changes nothing policies see.
 */
SEC("tp_btf/cgroup_attach_task")
int on_cgroup_attach(__u64 *ctx)
{
	struct cgroup *dst = (struct cgroup *)ctx[0];
	struct task_struct *task = (struct task_struct *)ctx[2];

	if (task->cgroups->dfl_cgrp != dst)
		return 0;
	policy_entered(task->group_leader);
	return 0;
}

/*
 * A change of the real uid without an exec (the UID_SYSCALL lines of
 * syscalls.def): a uid policy may select the process now. At the syscall's
 * exit, in the task that changed; only those syscalls fire it. The
 * tracepoint variant attaches on_uid_change to the sys_exit_ tracepoint of
 * each (the syscall slow path is on for every task already); the fentry
 * variant has an fexit program on each one's __x64_sys_ function.
 */
SEC("tracepoint/syscalls/sys_exit_setresuid")
int on_uid_change(struct sys_exit_args *ctx)
{
	if (!ctx->ret)
		policy_entered(bpf_get_current_task_btf());
	return 0;
}

#define UID_HOOK(name)								\
SEC("fexit/__x64_sys_" #name)							\
int fexit_##name(__u64 *ctx)							\
{										\
	if (!ctx[1])								\
		policy_entered(bpf_get_current_task_btf());			\
	return 0;								\
}
#define HOOKED_SYSCALL(name, nr, figs)
#define UID_SYSCALL(name, nr)	UID_HOOK(name)
#include "syscalls.def"

/*
 * The processes already running when a policy is added: user space reads
 * the pinned iterator (links/hold_policies) after it changed the policies;
 * every thread-group leader that no entity holds and that matches becomes a
 * process entity counted from now. The same matching as at exec, by the
 * kernel's own figures of each task, with no /proc read that could race.
 */
SEC("iter/task")
int hold_policies(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct match m = {};
	__u32 tgid;

	if (!task || task->pid != task->tgid)
		return 0;
	tgid = task->tgid;
	if (bpf_map_lookup_elem(&entities, &tgid))
		return 0;
	if (policy_match(task, &m))
		hold(task, &m, false);
	return 0;
}

#endif
