/*
 * A process of N threads that do nothing (each blocked in pause()), for the daemon benchmark's
 * table of real tracked tasks. Prints "ready" once every thread runs; exits at SIGTERM.
 * usage: threads N
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *idle(void *unused)
{
	(void)unused;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (long i = 1; i < n; i++) { /* the main thread is the n-th */
		pthread_t t;

		if (pthread_create(&t, &attr, idle, NULL)) {
			fprintf(stderr, "threads: cannot create thread %ld\n", i);
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
