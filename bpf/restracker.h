/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Records shared by the kernel side (tracker.bpf.c) and user space (Java).
 * Every field is naturally aligned so that the layout is the same for clang's
 * BPF target and for the Java MemoryLayouts in restracker.tracker.Layouts;
 * LayoutTest checks the two against the BTF of the built object.
 */
#ifndef RESTRACKER_H
#define RESTRACKER_H

/* Bump whenever a pinned map's layout or meaning changes. */
#define RT_ABI_VERSION		2

#define RT_MAX_ENTITIES		65536
#define RT_MAX_GROUPS		(2 * RT_MAX_ENTITIES)
#define RT_EVENT_SLOTS		4096

#define RT_SCOPE_PROCESS	1
#define RT_SCOPE_THREAD		2

/* rt_entity.flags */
#define RT_F_REBASE_ON_EXEC	1	/* `run`: usage starts at the program's exec */
#define RT_F_KILLED		2	/* a quota kill was already logged */

#define RT_REASON_HEAP		1
#define RT_REASON_FILES		2

#define RT_UNLIMITED		(-1LL)

/* One tracked entity: a whole process (key tgid) or one thread (key tid). */
struct rt_entity {
	__u32 id;		/* the key: tgid for a process, tid for a thread */
	__u32 tgid;
	__u32 scope;		/* RT_SCOPE_* */
	__u32 flags;		/* RT_F_* */
	__u64 start_ticks;	/* start time in clock ticks (/proc/PID/stat field 22): pid-reuse guard */
	__s64 base_heap;	/* process: data_vm bytes at registration (or at exec for `run`) */
	__s64 base_files;	/* process: open fds at registration (or at exec for `run`) */
	__s64 heap;		/* bytes of data_vm growth since registration; may dip below 0 */
	__s64 files;		/* open fds gained since registration; may dip below 0 */
	__s64 enter_heap;	/* thread: data_vm bytes when its current syscall began */
	__s64 enter_files;	/* thread: open fds when its current syscall began */
	__u32 in_syscall;	/* thread: enter_* are valid */
	__u32 pad;
	__u64 registered_ns;	/* CLOCK_BOOTTIME */
};

/* Quotas of one entity (key as in entities); absent = no quotas. */
struct rt_quota {
	__s64 heap;		/* bytes, RT_UNLIMITED for none */
	__s64 files;		/* descriptors, RT_UNLIMITED for none */
};

/* One quota kill, in a ring of RT_EVENT_SLOTS slots indexed by seq. */
struct rt_event {
	__u64 seq;		/* 1-based; 0 marks an empty slot */
	__u64 time_ns;		/* CLOCK_BOOTTIME */
	__u32 pid;		/* tgid of the killed process */
	__u32 tid;		/* thread that made the offending call */
	__u32 entity;		/* id of the entity whose quota was crossed */
	__u32 scope;
	__u32 reason;		/* RT_REASON_* */
	__s32 syscall_nr;	/* x86-64 number; -1 when set by `cap` itself */
	__s64 usage;
	__s64 limit;
	char comm[16];
};

/* Counters shared with user space through an mmap-able array map. */
struct rt_state {
	__u64 event_seq;	/* events ever logged; the next one gets event_seq + 1 */
	__u64 signal_failures;	/* bpf_send_signal errors (never expected) */
	__u64 stale_entries;	/* entries dropped because their pid had been reused */
	__u64 pad[5];
};

#endif
