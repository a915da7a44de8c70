/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Policies: quotas on the processes an operator selects by executable,
 * cgroup v2 or real uid, matched by the kernel side at exec and inherited at
 * fork. Records shared with user space (restracker.policy.PolicyRecords,
 * checked against this object's BTF by PolicyLayoutTest). The constants are
 * enums, so that the BTF of the built object carries them.
 */
#ifndef RESTRACKER_POLICY_H
#define RESTRACKER_POLICY_H

enum rt_policy_limits {
	RT_MAX_POLICIES		= 10240,	/* policies loaded at once */
	RT_SET_POLICIES		= 31,		/* policies indexed under one selector key */
	RT_MAX_SELECTOR_KEYS	= 2 * RT_MAX_POLICIES,	/* keys of each index: room for a set and its replacement */
	RT_CGROUP_DEPTH		= 16,		/* a task's cgroup and its ancestors looked up */
	RT_POLICY_NAME_LEN	= 64,
	RT_POLICY_PATH_LEN	= 256,	/* the exe and cgroup paths as given, for listing */
};

/* rt_policy.selectors: which of its fields must match (all given must). */
enum rt_policy_selector {
	RT_SEL_EXE	= 1,	/* the executable file, by exe_dev and exe_ino */
	RT_SEL_CGROUP	= 2,	/* the cgroup v2 cgroup_id or one below it */
	RT_SEL_UID	= 4,	/* the real uid */
};

/* rt_policy.flags */
enum rt_policy_flag {
	RT_PF_CHILDREN	= 1,	/* exe: descendants stay held whatever they exec */
	RT_PF_AUDIT	= 2,	/* a crossing is logged, nothing is killed */
};

/* rt_entity.policy_flags */
enum rt_entity_policy_flag {
	RT_PE_INHERIT		= 1,	/* a child forked gets an entity with the same quotas */
	RT_PE_AUDIT_HEAP	= 2,	/* the heap quota is an audit policy's */
	RT_PE_AUDIT_FILES	= 4,
	RT_PE_NOTED_HEAP	= 8,	/* the audit crossing of the heap quota was logged */
	RT_PE_NOTED_FILES	= 16,
	RT_PE_WARNED_HEAP	= 32,	/* the warning of the heap quota was logged */
	RT_PE_WARNED_FILES	= 64,
};

/* rt_event.kind */
enum rt_event_kind {
	RT_KIND_QUOTA	= 0,	/* a kill, or a quota dropped (reason says which) */
	RT_KIND_AUDIT	= 1,	/* an audit policy's quota crossed: nothing killed */
	RT_KIND_WARN	= 2,	/* usage passed a policy's warning threshold */
};

/* One policy (key: its id, never reused while the state is loaded). */
struct rt_policy {
	__u32 id;
	enum rt_policy_selector selectors;	/* RT_SEL_*, or-ed */
	enum rt_policy_flag flags;		/* RT_PF_*, or-ed */
	__u32 warn_percent;	/* 0: no warning */
	__u32 exe_dev;		/* the kernel's dev_t of the executable's superblock */
	__u32 uid;
	__u64 exe_ino;
	__u64 cgroup_id;	/* the inode number of the cgroup2 directory */
	__s64 heap;		/* bytes, RT_UNLIMITED for none */
	__s64 files;
	__u64 killed;		/* counters the kernel side keeps */
	__u64 audited;
	__u64 warned;
	char name[RT_POLICY_NAME_LEN];
	char exe[RT_POLICY_PATH_LEN];
	char cgroup[RT_POLICY_PATH_LEN];
};

/*
 * The policies indexed under one selector key. A policy is indexed once,
 * under its cgroup if it has one, else its executable, else its uid, so that
 * the index it is found through needs no further check.
 */
struct rt_policy_set {
	__u32 count;
	__u32 ids[RT_SET_POLICIES];
};

struct rt_exe_key {
	__u32 dev;
	__u32 pad;
	__u64 ino;
};

/* Shared with user space: what is loaded, and what matching could not do. */
struct rt_policy_state {
	__u32 policies;		/* policies loaded: 0 skips matching */
	__u32 next_id;		/* user space's: the id of the next policy added */
	enum rt_policy_limits max_policies;	/* RT_MAX_POLICIES: the limits in the BTF too */
	__u32 pad;
	__u64 held;		/* process entities policies or inheritance ever created */
	__u64 refused;		/* entities that could not be created (the tables full) */
	__u64 notices;		/* audit and warning events ever logged */
};

#endif
