/*
 * Holds the floor of the tracker's hook mechanism attached for bench/run (bench/floor.bpf.c).
 * usage: floor OBJECT PROGRAM ATTACH...   ATTACH: GROUP:NAME (a tracepoint) or raw:NAME (a raw
 *        tracepoint). Loads PROGRAM only, attaches it to each ATTACH, prints "ready N" and stays
 *        until SIGTERM or SIGINT (or its parent's end); then detaches and exits. Its links are not pinned: nothing stays
 *        loaded once it is gone, however it ends.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static struct bpf_link *attach(struct bpf_program *prog, char *spec)
{
	char *colon = strchr(spec, ':');

	if (!colon || colon == spec || !colon[1]) {
		fprintf(stderr, "floor: %s is not GROUP:NAME or raw:NAME\n", spec);
		return NULL;
	}
	*colon = '\0';
	if (!strcmp(spec, "raw"))
		return bpf_program__attach_raw_tracepoint(prog, colon + 1);
	return bpf_program__attach_tracepoint(prog, spec, colon + 1);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog, *p;
	struct bpf_link **links;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;
	int i, n = 0, err;

	if (argc < 4) {
		fprintf(stderr, "usage: floor OBJECT PROGRAM GROUP:NAME|raw:NAME...\n");
		return 2;
	}
	/* Blocked but for sigsuspend: a signal that comes before the wait cannot be lost. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM); /* a harness that dies takes the floor with it */
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "floor: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, argv[2]);
	if (!prog) {
		fprintf(stderr, "floor: %s has no program %s\n", argv[1], argv[2]);
		return 1;
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == prog);
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "floor: cannot load %s: %s\n", argv[2], strerror(-err));
		return 1;
	}
	links = calloc(argc, sizeof(*links));
	for (i = 3; i < argc; i++) {
		char name[256];

		snprintf(name, sizeof(name), "%s", argv[i]);
		links[n] = attach(prog, argv[i]);
		if (!links[n]) {
			fprintf(stderr, "floor: cannot attach %s to %s: %s\n", argv[2], name, strerror(errno));
			err = 1;
			break;
		}
		n++;
	}
	if (!err) {
		printf("ready %d\n", n);
		fflush(stdout);
		while (!stop)
			sigsuspend(&old);
	}
	while (n > 0)
		bpf_link__destroy(links[--n]);
	free(links);
	bpf_object__close(obj);
	return err ? 1 : 0;
}
