/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Records shared by the kernel side (tracker.bpf.c) and user space (Java).
 * Every field is naturally aligned. The Java layouts of every struct rt_* are
 * generated from the built object's BTF (restracker.kernel.TrackerStructs, by
 * src/build/BtfStructs.java), so a field is written here alone; the typed
 * accessors of the fields Java uses (EntityRecord, ...) are checked against
 * that BTF by RecordAccessorsTest.
 */
#ifndef RESTRACKER_H
#define RESTRACKER_H

#include "policy.h"

/*
 * The constants below are enums, not macros, so that the object's BTF carries
 * them (rt_constants at the end): ContractConstantsTest compares each with its
 * Java copy in restracker.kernel.Records. User space alone writes and checks
 * the meta record's ABI version (Records.ABI_VERSION): a change of a pinned
 * map's layout or meaning bumps it.
 */

/* max_entries of the maps */
enum rt_capacity {
	RT_MAX_ENTITIES		= 65536,
	RT_MAX_GROUPS		= 2 * RT_MAX_ENTITIES,
	RT_EVENT_SLOTS		= 4096,	/* root's kill log */
	RT_MAX_OBJECTS		= 2 * RT_MAX_ENTITIES,	/* a process entity's mm and fd table */
	RT_DOOMED_SLOTS		= 1024,	/* owners waiting for a signal from another task's context */
	/*
	 * One user's share: the entities it may register, and its own kill log
	 * of RT_USER_EVENT_SLOTS events (log 1..RT_USER_LOGS; log 0 is root's).
	 * The events map holds root's log first, then each user log's slots.
	 */
	RT_USER_ENTITIES	= 1024,
	RT_USER_LOGS		= 128,
	RT_USER_EVENT_SLOTS	= 256,
	RT_LOGS			= 1 + RT_USER_LOGS,
	RT_ALL_EVENT_SLOTS	= RT_EVENT_SLOTS + RT_USER_LOGS * RT_USER_EVENT_SLOTS,
};

/* rt_entity.scope */
enum rt_scope {
	RT_SCOPE_PROCESS	= 1,
	RT_SCOPE_THREAD		= 2,
};

/* rt_entity.flags */
enum rt_entity_flag {
	RT_F_REBASE_ON_EXEC	= 1,	/* `run`: usage starts at the program's exec */
	RT_F_KILLED		= 2,	/* a quota kill was already logged */
	RT_F_BOUND		= 4,	/* process: its mm and fd table are in objects (mm_key, files_key) */
	RT_F_DOOMED		= 8,	/* process: over quota through another task; killed at its next switch */
};

/* rt_object.kind */
enum rt_object_kind {
	RT_OBJ_MM		= 1,
	RT_OBJ_FILES		= 2,
};

/* rt_event.reason */
enum rt_reason {
	RT_REASON_HEAP		= 1,
	RT_REASON_FILES		= 2,
	RT_REASON_PRIVILEGES	= 3,	/* not a kill: a user's quota dropped at a privileged exec */
};

/* rt_quota.layers */
enum rt_quota_layer {
	RT_Q_ROOT		= 1,	/* root's figures bind */
	RT_Q_USER		= 2,	/* user_uid's figures bind */
};

/* rt_quota.heap, .files and the layers' figures */
enum rt_limit {
	RT_UNLIMITED		= -1,
};

/* rt_event.syscall_nr when no syscall made the change */
enum rt_no_syscall {
	RT_NR_CAP		= -1,	/* `cap` found the usage already above */
	RT_NR_IO_URING		= -2,	/* an io_uring completion posted by its SQPOLL thread or a worker */
};

/* What the forget_entity program (deregistration in one call) returns */
enum rt_forget {
	RT_FORGET_NONE		= 0,	/* no entity under that id: nothing done */
	RT_FORGET_DONE		= 1,	/* removed, and its group marker if nothing of its group is left */
	RT_FORGET_THREADS	= 2,	/* nothing done: a thread entity exists, so user space deregisters */
};

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
	__u32 owner_uid;	/* who registered it */
	__u64 registered_ns;	/* CLOCK_BOOTTIME */
	__u32 log;		/* the owner's log (logs, 0 for root): counts it in its entities */
	__u32 pad;
	__u64 mm_key;		/* process, RT_F_BOUND: its mm_struct's address (a key, never dereferenced) */
	__u64 files_key;	/* process, RT_F_BOUND: its files_struct's address (likewise) */
	__s64 vm_data;		/* process: data_vm bytes at the last recount (VmData) */
	__s64 vm_stack;		/* process: stack_vm bytes at the last recount (VmStk) */
	__u32 policy;		/* the policy holding it (its id; 0: none, or an explicit entity) */
	enum rt_entity_policy_flag policy_flags;	/* RT_PE_*, or-ed (policy.h) */
	__u32 heap_policy;	/* the policy whose heap quota applies (0: none) */
	__u32 files_policy;	/* the policy whose files quota applies (0: none) */
	__s64 heap_warn;	/* heap usage above which a warning is logged once (0: none) */
	__s64 files_warn;	/* likewise for files */
};

/*
 * objects: the address of a tracked process's mm_struct or files_struct ->
 * the process. Any task sharing one (clone with CLONE_VM or CLONE_FILES but
 * not CLONE_THREAD) changes the process's figure; the hot path finds it here.
 */
struct rt_object {
	__u32 tgid;		/* the process entity (its id) */
	__u32 kind;		/* RT_OBJ_* */
	__u64 guard;		/* RT_OBJ_MM: mm->start_stack when bound (a freed, reused mm differs) */
	__u64 leader;		/* the process's group leader when bound (an address, read only by probe reads) */
};

/*
 * Quotas of one entity (key as in entities); absent = no quotas. Up to two
 * layers, root's and one user's; heap and files, what the kernel enforces,
 * are the tighter figure of the layers present.
 */
struct rt_quota {
	__s64 heap;		/* bytes, RT_UNLIMITED for none */
	__s64 files;		/* descriptors, RT_UNLIMITED for none */
	__u32 log;		/* the log its kills go to: root's (0) with root's layer, else the entity's */
	__u32 layers;		/* RT_Q_* */
	__s64 root_heap;	/* root's layer */
	__s64 root_files;
	__s64 user_heap;	/* the user layer, set by user_uid */
	__s64 user_files;
	__u32 user_uid;
	__u32 user_log;		/* the entity's log, where a drop of the user layer is logged */
};

/*
 * The head of one kill log (an mmap-able array map: user space claims slots
 * atomically too). User space gives a user log to a uid when it registers
 * its first entity, and may give it to another uid once no entity of the
 * first is left (its events then count as reclaimed).
 */
struct rt_log {
	__u32 uid;		/* whose log (0 for root's, log 0, and for a user log never given) */
	__u32 entities;		/* entities registered by uid and still tracked */
	__u64 logged;		/* events ever logged here; the next one goes to slot logged % slots */
};

/*
 * One quota kill (or a quota dropped: RT_REASON_PRIVILEGES, usage the new
 * euid, limit the uid whose quota was dropped), in its log's ring.
 */
struct rt_event {
	__u64 seq;		/* 1-based, over all logs; 0 marks an empty slot */
	__u64 log_seq;		/* 1-based, within its log */
	__u64 time_ns;		/* CLOCK_BOOTTIME */
	__u32 pid;		/* tgid of the killed process */
	__u32 tid;		/* thread that made the offending call */
	__u32 entity;		/* id of the entity whose quota was crossed */
	__u32 scope;
	__u32 reason;		/* RT_REASON_* */
	__s32 syscall_nr;	/* x86-64 number, or RT_NR_* */
	__s64 usage;
	__s64 limit;
	char comm[16];
	__u32 policy;		/* the policy whose quota it was (0: none) */
	enum rt_event_kind kind;	/* policy.h */
};

/* Counters shared with user space through an mmap-able array map. */
struct rt_state {
	__u64 event_seq;	/* events ever logged (all logs); the next one gets event_seq + 1 */
	__u64 signal_failures;	/* bpf_send_signal errors (never expected) */
	__u64 stale_entries;	/* entries dropped because their pid had been reused */
	__u64 quota_drops;	/* RT_REASON_PRIVILEGES events ever logged: event_seq - quota_drops kills */
	__u64 events_reclaimed;	/* events of user logs given to another user (counted as overwritten) */
	__u64 doomed;		/* entities marked RT_F_DOOMED and not yet gone */
	__u64 doomed_queued;	/* owners in the doomed queue, to be signalled from any task's context */
	__u64 objects;		/* entries in objects */
	__u64 threads;		/* thread entities in entities: added by user space, taken away by the delete that succeeds */
};

/*
 * BTF keeps the types that functions and variables use, not an enum used only
 * for its values: this function, which no program calls (libbpf loads only
 * the subprograms a program calls), puts the enums above in the object's BTF.
 */
struct rt_constants {
	enum rt_capacity capacity;
	enum rt_scope scope;
	enum rt_entity_flag entity_flag;
	enum rt_object_kind object_kind;
	enum rt_reason reason;
	enum rt_quota_layer quota_layer;
	enum rt_limit limit;
	enum rt_no_syscall no_syscall;
	enum rt_forget forget;
};

int rt_constants(struct rt_constants *c);

int rt_constants(struct rt_constants *c)
{
	return 0;
}

#endif
