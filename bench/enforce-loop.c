/*
 * A descriptor leak for the enforcement benchmark (bench/run, section 4).
 * usage: enforce-loop COUNTER_FILE MAX [PERIOD_US]
 * Opens /dev/null again and again, never closing, as fast as it can, up to MAX descriptors, then
 * sleeps until killed. After each open that returns, it stores the number of opens completed so far
 * in COUNTER_FILE (an 8-byte file mapped MAP_SHARED, so the caller still reads it after a SIGKILL;
 * its descriptor is closed before the loop, so it is not counted). An open that fails (EMFILE under
 * RLIMIT_NOFILE) is counted apart, in the second 8 bytes, and ends the loop. With PERIOD_US, one
 * open every PERIOD_US microseconds (busy-waiting), a slower leak.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: enforce-loop COUNTER_FILE MAX\n");
		return 2;
	}
	long max = atol(argv[2]);
	long period = argc > 3 ? atol(argv[3]) : 0;
	int cfd = open(argv[1], O_RDWR);

	if (cfd < 0 || ftruncate(cfd, 16)) {
		perror(argv[1]);
		return 1;
	}
	volatile long *counter = mmap(NULL, 16, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);

	if (counter == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	close(cfd);
	counter[0] = 0;
	counter[1] = 0;
	long next = now_us();

	for (long i = 0; i < max; i++) {
		if (period) {
			next += period;
			while (now_us() < next)
				;
		}
		if (open("/dev/null", O_RDONLY) < 0) {
			counter[1] = 1;
			break;
		}
		counter[0] = i + 1;
	}
	for (;;)
		pause();
}
