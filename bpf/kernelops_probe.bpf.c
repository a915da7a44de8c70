// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Empty programs of the attach types the tracer may use. `restracker doctor`
 * loads and attaches them one at a time: whether the kernel accepts a program
 * type is only known by trying (this VM's kernel loads kprobe programs but
 * has nowhere to attach them, and refuses fentry at load).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tp/sched_switch")
int probe_raw_tp(void *ctx) { return 0; }

SEC("fentry/mutex_unlock")
int probe_fentry(void *ctx) { return 0; }

SEC("kprobe/mutex_unlock")
int probe_kprobe(void *ctx) { return 0; }
