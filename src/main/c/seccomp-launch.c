/*
 * seccomp-launch: starts a program under a seccomp filter whose listener
 * restracker's supervisor holds.
 *
 *   seccomp-launch [--notify-syscall NR]... [--notify-ioctl CMD]...
 *                  [--listener-fd FD] -- PROG [ARG...]
 *   seccomp-launch --probe NR
 *
 * The filter answers SECCOMP_RET_USER_NOTIF for each NR given (x86-64 calls
 * only) and for ioctl(2) with one of the CMDs as its request; everything
 * else is SECCOMP_RET_ALLOW.  Which numbers those are is the supervisor's
 * business: it passes them here, this program knows none of them.
 *
 * After installing the filter (with no_new_privs first when not root) the
 * listener is moved to FD and the process stops itself (SIGSTOP).  The
 * supervisor, while it is stopped, takes the listener with pidfd_getfd(2)
 * and continues it; then the listener is closed here and PROG is executed,
 * so PROG and everything it starts run under the filter and none of them
 * holds the listener.
 *
 * --probe NR calls system call NR with every argument -1 (nothing valid to
 * act on) in a child that has a 1 s alarm, its own session and /dev/null as
 * stdio, and exits 0 when the kernel has no such call (ENOSYS), 1 when it
 * has one, 2 when the probe could not tell.
 *
 * Exit status: PROG's (it replaces this process); 126 when the filter could
 * not be installed, 127 when PROG could not be executed, 2 for bad usage.
 *
 * Build: gcc -O2 -Wall -Werror -o seccomp-launch seccomp-launch.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MAX_ENTRIES 32
#define MAX_INSNS (4 + 3 * MAX_ENTRIES)

static void usage(const char *why)
{
	fprintf(stderr, "seccomp-launch: %s\n", why);
	exit(2);
}

static unsigned long number(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end)
		usage("not a number");
	return v;
}

/* Jump targets not yet known while the program is built. */
enum { TO_NEXT, TO_NOTIFY, TO_ALLOW };

struct insn {
	struct sock_filter f;
	int jt, jf;
};

static struct insn prog[MAX_INSNS];
static int len;

static void emit(unsigned short code, unsigned int k, int jt, int jf)
{
	prog[len].f = (struct sock_filter)BPF_STMT(code, k);
	prog[len].jt = jt;
	prog[len].jf = jf;
	len++;
}

static int jump(int from, int to, int allow, int notify)
{
	int at = to == TO_NOTIFY ? notify : to == TO_ALLOW ? allow : from + 1;

	return at - from - 1;
}

static int install(const unsigned long *nrs, int n_nrs, const unsigned long *cmds, int n_cmds)
{
	struct sock_filter out[MAX_INSNS];
	struct sock_fprog fprog;
	int allow, notify, i;

	emit(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), TO_NEXT, TO_NEXT);
	emit(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, TO_NEXT, TO_ALLOW);
	emit(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), TO_NEXT, TO_NEXT);
	for (i = 0; i < n_nrs; i++)
		emit(BPF_JMP | BPF_JEQ | BPF_K, nrs[i], TO_NOTIFY, TO_NEXT);
	if (n_cmds) {
		/* ioctl's request is an unsigned int: the low half of args[1] */
		emit(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, TO_NEXT, TO_ALLOW);
		emit(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]), TO_NEXT, TO_NEXT);
		for (i = 0; i < n_cmds; i++)
			emit(BPF_JMP | BPF_JEQ | BPF_K, cmds[i], TO_NOTIFY, TO_NEXT);
	}
	allow = len;
	emit(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, TO_NEXT, TO_NEXT);
	notify = len;
	emit(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF, TO_NEXT, TO_NEXT);

	for (i = 0; i < len; i++) {
		out[i] = prog[i].f;
		if (BPF_CLASS(out[i].code) == BPF_JMP) {
			out[i].jt = jump(i, prog[i].jt, allow, notify);
			out[i].jf = jump(i, prog[i].jf, allow, notify);
		}
	}
	fprog.len = len;
	fprog.filter = out;
	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fprog);
}

static int probe(long nr)
{
	int status, null;
	pid_t child = fork();

	if (child < 0)
		return 2;
	if (child == 0) {
		null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(2);
		setsid();
		alarm(1);
		if (syscall(nr, -1L, -1L, -1L, -1L, -1L, -1L) == -1 && errno == ENOSYS)
			_exit(0);
		_exit(1);
	}
	if (waitpid(child, &status, 0) != child)
		return 2;
	if (WIFEXITED(status) && WEXITSTATUS(status) <= 2)
		return WEXITSTATUS(status);
	return 1; /* it did something (a signal ended it): the call exists */
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "notify-syscall", required_argument, NULL, 's' },
		{ "notify-ioctl", required_argument, NULL, 'i' },
		{ "listener-fd", required_argument, NULL, 'l' },
		{ "probe", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long nrs[MAX_ENTRIES], cmds[MAX_ENTRIES];
	int n_nrs = 0, n_cmds = 0, listener_fd = 3, fd, c;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (n_nrs == MAX_ENTRIES)
				usage("too many system calls");
			nrs[n_nrs++] = number(optarg);
			break;
		case 'i':
			if (n_cmds == MAX_ENTRIES)
				usage("too many ioctl requests");
			cmds[n_cmds++] = number(optarg);
			break;
		case 'l':
			listener_fd = (int)number(optarg);
			break;
		case 'p':
			return probe((long)number(optarg));
		default:
			usage("unknown option");
		}
	}
	if (optind >= argc)
		usage("no program to run");

	fd = install(nrs, n_nrs, cmds, n_cmds);
	if (fd < 0) {
		fprintf(stderr, "restracker: cannot install the seccomp filter: %s\n", strerror(errno));
		return 126;
	}
	if (fd != listener_fd) {
		if (dup2(fd, listener_fd) < 0) {
			fprintf(stderr, "restracker: cannot move the seccomp listener: %s\n", strerror(errno));
			return 126;
		}
		close(fd);
	}
	/* the supervisor takes the listener while this process is stopped */
	kill(getpid(), SIGSTOP);
	close(listener_fd);
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "restracker: cannot execute %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
