/*
 * A program written for the original kernel interface (system calls from
 * 548, /dev/tracer, /proc/tracer), driven by the tests one command a line
 * on stdin, one answer a line on stdout:
 *
 *   pid                         -> "<getpid()>"
 *   sys NR [ARG...]             -> "rc <return> errno <errno or 0>"   (ARG: a number or "self")
 *   fetch PID                   -> "rc .. errno .. pid .. heap .. files .. heap_quota .. file_quota .."
 *   fetch-null PID | fetch-ro PID -> "rc .. errno .."  (NULL / a read-only struct)
 *   open PATH                   -> "fd <fd> errno <errno or 0>"
 *   ioctl add|remove PID        -> "rc .. errno .."  (on /dev/tracer, opened once)
 *   ioctl-stdin add|remove PID  -> "rc .. errno .."  (the same request on stdin)
 *   cat PATH                    -> the file's bytes, then a line "<EOF n>" (n bytes read)
 *   syscat PATH                 -> the same, opened with the open(2) system call, not openat
 *   mmap MB                     -> "ok"  (a private anonymous mapping, touched)
 *   exit                        -> exits 0
 *
 * The base of the system calls is argv[1] (default 548).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TRACER_ADD_PROCESS _IOW(_IOC_WRITE, 42, pid_t)
#define TRACER_REMOVE_PROCESS _IOW(_IOC_WRITE, 43, pid_t)

struct per_proc_resource {
	pid_t pid;
	unsigned long heapsize;
	unsigned long openfile_count;
	unsigned long heapsize_quota;
	unsigned long openfile_quota;
};

static long base = 548;
static int tracer = -1;

static long arg(const char *s)
{
	return strcmp(s, "self") == 0 ? getpid() : strtol(s, NULL, 0);
}

static void fetch(char *how, long pid)
{
	static struct per_proc_resource s;
	struct per_proc_resource *at = &s;
	long rc;

	memset(&s, 0x55, sizeof(s));
	if (strcmp(how, "fetch-null") == 0) {
		at = NULL;
	} else if (strcmp(how, "fetch-ro") == 0) {
		at = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	rc = syscall(base + 2, at, pid);
	if (at == &s)
		printf("rc %ld errno %d pid %d heap %ld files %ld heap_quota %ld file_quota %ld\n", rc, rc ? errno : 0,
		       s.pid, (long)s.heapsize, (long)s.openfile_count, (long)s.heapsize_quota, (long)s.openfile_quota);
	else
		printf("rc %ld errno %d\n", rc, rc ? errno : 0);
}

static void cat(const char *path, int by_open)
{
	char buf[4096];
	long total = 0;
	ssize_t n;
	int fd = by_open ? (int)syscall(SYS_open, path, O_RDONLY) : open(path, O_RDONLY);

	if (fd < 0) {
		printf("<EOF -%d>\n", errno);
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, n, stdout);
		total += n;
	}
	close(fd);
	printf("<EOF %ld>\n", total);
}

int main(int argc, char **argv)
{
	char line[512], *w[8];
	int n;

	if (argc > 1)
		base = strtol(argv[1], NULL, 0);
	setvbuf(stdout, NULL, _IONBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		n = 0;
		for (char *t = strtok(line, " \n"); t && n < 8; t = strtok(NULL, " \n"))
			w[n++] = t;
		if (n == 0)
			continue;
		errno = 0;
		if (strcmp(w[0], "pid") == 0) {
			printf("%d\n", getpid());
		} else if (strcmp(w[0], "sys") == 0 && n >= 2) {
			long a[3] = { 0, 0, 0 }, rc;

			for (int i = 2; i < n && i < 5; i++)
				a[i - 2] = arg(w[i]);
			rc = syscall(arg(w[1]), a[0], a[1], a[2]);
			printf("rc %ld errno %d\n", rc, rc == -1 ? errno : 0);
		} else if (strncmp(w[0], "fetch", 5) == 0 && n == 2) {
			fetch(w[0], arg(w[1]));
		} else if (strcmp(w[0], "open") == 0 && n == 2) {
			int fd = open(w[1], O_RDONLY);

			printf("fd %d errno %d\n", fd, fd < 0 ? errno : 0);
		} else if (strncmp(w[0], "ioctl", 5) == 0 && n == 3) {
			int on = 0;
			long rc;

			if (strcmp(w[0], "ioctl") == 0) {
				if (tracer < 0)
					tracer = open("/dev/tracer", O_RDONLY);
				on = tracer;
			}
			rc = ioctl(on, strcmp(w[1], "add") == 0 ? TRACER_ADD_PROCESS : TRACER_REMOVE_PROCESS,
				   (pid_t)arg(w[2]));
			printf("rc %ld errno %d\n", rc, rc == -1 ? errno : 0);
		} else if ((strcmp(w[0], "cat") == 0 || strcmp(w[0], "syscat") == 0) && n == 2) {
			cat(w[1], w[0][0] == 's');
		} else if (strcmp(w[0], "mmap") == 0 && n == 2) {
			size_t len = (size_t)arg(w[1]) << 20;
			char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p != MAP_FAILED)
				memset(p, 1, len);
			printf(p == MAP_FAILED ? "err %d\n" : "ok\n", errno);
		} else if (strcmp(w[0], "exit") == 0) {
			return 0;
		} else {
			printf("usage\n");
		}
	}
	return 0;
}
