/*
 * A timed kmalloc-heavy loop, for the kernel tracer's overhead benchmark (bench/tracer).
 * usage: tracer-loop procread|getxattr ITERATIONS  -> prints ns per iteration
 *   procread  open, read and close /proc/self/stat: 3 kmalloc + 3 kfree in the kernel per round
 *   getxattr  getxattr("/", "user.restracker") into a buffer: 1 kmalloc + 1 kfree per round
 * With TRACER_LOOP_STOP=1 it stops itself (SIGSTOP) before the timed loop, so that the caller can
 * start tracing it first and then continue it.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "procread";
	long n = argc > 2 ? atol(argv[2]) : 100000;
	int procread = !strcmp(kind, "procread");
	static char buf[4096];
	const char *stop = getenv("TRACER_LOOP_STOP");

	if (!procread && strcmp(kind, "getxattr")) {
		fprintf(stderr, "usage: tracer-loop procread|getxattr ITERATIONS\n");
		return 2;
	}
	if (stop && !strcmp(stop, "1"))
		raise(SIGSTOP);
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (procread) {
			int fd = open("/proc/self/stat", O_RDONLY);

			while (read(fd, buf, sizeof buf) > 0)
				;
			close(fd);
		} else {
			getxattr("/", "user.restracker", buf, 64);
		}
	}
	printf("%.0f\n", (now_ns() - t0) / n);
	return 0;
}
