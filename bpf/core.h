/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The few kernel structures restracker reads, declared with
 * preserve_access_index: libbpf relocates every field access against the
 * running kernel's BTF (CO-RE), so no vmlinux.h is needed at build time and
 * field offsets never come from this file.
 */
#ifndef RESTRACKER_CORE_H
#define RESTRACKER_CORE_H

typedef struct {
	int counter;
} atomic_t;

struct super_block {
	unsigned int s_dev;		/* dev_t, the kernel's encoding (major << 20 | minor) */
} __attribute__((preserve_access_index));

struct inode {
	unsigned long i_ino;
	struct super_block *i_sb;
} __attribute__((preserve_access_index));

struct file {
	struct inode *f_inode;
} __attribute__((preserve_access_index));

struct mm_struct {
	atomic_t mm_users;		/* tasks using it: every live thread of each group that has it, and more */
	struct file *exe_file;		/* the executable exec mapped */
	unsigned long data_vm;		/* VM_WRITE & ~VM_SHARED & ~VM_STACK pages */
	unsigned long stack_vm;		/* VM_STACK (VM_GROWSDOWN) pages */
	unsigned long start_stack;	/* set at exec, never changed: tells a reused mm apart */
} __attribute__((preserve_access_index));

struct fdtable {
	unsigned int max_fds;
	unsigned long *open_fds;
} __attribute__((preserve_access_index));

struct files_struct {
	atomic_t count;			/* tasks using it (each holds a reference), and more */
	struct fdtable *fdt;
	unsigned long open_fds_init[1];	/* the bitmap of the table a process starts with (64 fds) */
} __attribute__((preserve_access_index));

struct signal_struct {
	atomic_t live;			/* threads not yet in do_exit() */
} __attribute__((preserve_access_index));

typedef struct {
	unsigned int val;
} kuid_t;

typedef struct {
	unsigned int val;
} kgid_t;

/*
 * kernel_cap_t is 64 bits on every kernel restracker supports, but its shape
 * changed (6.1: struct { __u32 cap[2]; }, 6.3 on: struct { u64 val; }): it is
 * read whole, as one raw u64 (bit n = capability n either way on x86-64).
 */
typedef struct {
	unsigned long long raw;
} rt_kernel_cap_t;

/* A task's credentials: what it may do, as exec left them (commit_creds). */
struct cred {
	kuid_t uid;
	kgid_t gid;
	kuid_t suid;
	kgid_t sgid;
	kuid_t euid;
	kgid_t egid;
	kuid_t fsuid;
	kgid_t fsgid;
	rt_kernel_cap_t cap_permitted;
	rt_kernel_cap_t cap_effective;
} __attribute__((preserve_access_index));

struct kernfs_node {
	unsigned long long id;		/* a cgroup2 directory's inode number */
} __attribute__((preserve_access_index));

struct cgroup;

struct cgroup_subsys_state {
	struct cgroup *cgroup;
	struct cgroup_subsys_state *parent;
} __attribute__((preserve_access_index));

struct cgroup {
	struct cgroup_subsys_state self;
	struct kernfs_node *kn;
} __attribute__((preserve_access_index));

struct css_set {
	struct cgroup *dfl_cgrp;	/* the task's cgroup in the v2 hierarchy */
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	unsigned int flags;
	unsigned long long start_boottime;
	struct task_struct *group_leader;
	struct mm_struct *mm;
	struct files_struct *files;
	struct signal_struct *signal;
	const struct cred *cred;
	struct css_set *cgroups;
} __attribute__((preserve_access_index));

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
};

/* The context of an iter/task program. */
struct bpf_iter_meta {
	void *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

#endif
