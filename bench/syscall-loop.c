/*
 * A timed loop of one kind of system call, for restracker's overhead benchmarks.
 * usage: syscall-loop getppid|openclose|mmap|fork|exec|malloc ITERATIONS  -> prints ns per iteration
 *   fork    fork, the child _exits at once, the parent waits for it
 *   exec    fork, the child execs this program again (which exits at once), the parent waits
 *   malloc  malloc+touch+free of sizes cycling from 16 B to 512 KiB (glibc serves the large ones
 *           with mmap/munmap, the small ones from its arena, growing and trimming it with brk)
 * With SYSCALL_LOOP_WAIT=1 in the environment it reads one byte from stdin before the clock
 * starts (a harness registers the process meanwhile: bench/hooks).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
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
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	const char *kind = argc > 1 ? argv[1] : "getppid";
	const char *wait = getenv("SYSCALL_LOOP_WAIT");
	double t0;

	if (!strcmp(kind, "exited"))
		return 0; /* what an exec loop's child runs */
	if (wait && !strcmp(wait, "1")) {
		char c;

		if (read(0, &c, 1) != 1)
			return 3;
	}
	t0 = now_ns();

	for (long i = 0; i < n; i++) {
		if (!strcmp(kind, "getppid")) {
			getppid();
		} else if (!strcmp(kind, "openclose")) {
			close(open("/dev/null", O_RDONLY));
		} else if (!strcmp(kind, "mmap")) {
			void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			munmap(p, 1 << 20);
		} else if (!strcmp(kind, "fork")) {
			pid_t c = fork();

			if (c == 0)
				_exit(0);
			waitpid(c, NULL, 0);
		} else if (!strcmp(kind, "exec")) {
			pid_t c = fork();

			if (c == 0) {
				execl("/proc/self/exe", "syscall-loop", "exited", (char *)NULL);
				_exit(127);
			}
			waitpid(c, NULL, 0);
		} else if (!strcmp(kind, "malloc")) {
			size_t size = (size_t)16 << (i % 16); /* 16 B .. 512 KiB */
			char *volatile p = malloc(size);

			p[0] = 1;
			free(p);
		} else {
			fprintf(stderr, "unknown loop %s\n", kind);
			return 2;
		}
	}
	printf("%.1f\n", (now_ns() - t0) / n);
	return 0;
}
