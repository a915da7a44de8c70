/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The meta record every restracker BPF object pins beside its maps. User space writes it last
 * when it loads the object, so it identifies a complete pin set and the layout (ABI) it has:
 * magic and abi_version are user space's (restracker.kernel.Records.MAGIC, the ABI version of
 * the object's Java records), which it alone writes and checks.
 */
#ifndef RESTRACKER_META_H
#define RESTRACKER_META_H

struct rt_meta {
	__u32 magic;
	__u32 abi_version;
	__u64 loaded_ns;	/* CLOCK_REALTIME, ns */
	char version[32];	/* restracker's version string */
	__u32 links;		/* hooks pinned under links/ by the load: fewer later means some were removed */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_meta);
} meta SEC(".maps");

#endif
