/*
 * workload: a scriptable test process for restracker's tests.
 *
 * Reads one command per line from stdin, runs it, and answers with exactly
 * one line on stdout: "ok [results...]" or "err <errno> <message>".
 * Between commands it does nothing at all, so the memory and fd figures of
 * this process only change when a command says so.
 *
 * To keep that promise the command loop never allocates: lines are read with
 * read(2) into a static buffer (one byte at a time, so that an exec'd image
 * gets the following commands), replies are formatted into fixed buffers and
 * written with write(2) (no stdio buffering), and malloc is warmed up once at
 * start-up.  Diagnostics go to stderr only.
 *
 * Build: gcc -O1 -Wall -Werror -pthread -o workload workload.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <sys/epoll.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#define LINE_MAX_LEN 4096   /* longest accepted command line */
#define RESP_LEN 512        /* longest reply line */
#define MAX_ARGS 64         /* argv slots for exec */
#define MAX_THREADS 64      /* worker threads alive at once */
#define THREAD_STACK (256 * 1024)

/* ---------- replies ---------- */

static void reply(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, RESP_LEN, fmt, ap);
    va_end(ap);
}

static void reply_err(char *out, int err, const char *what)
{
    reply(out, "err %d %s: %s", err, what, strerror(err));
}

static void write_line(const char *s)
{
    char buf[RESP_LEN + 1];
    size_t n = strlen(s);
    memcpy(buf, s, n);
    buf[n++] = '\n';
    for (size_t off = 0; off < n;) {
        ssize_t w = write(STDOUT_FILENO, buf + off, n - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            _exit(1); /* nobody is listening any more */
        }
        off += (size_t)w;
    }
}

/* ---------- argument parsing (in place, no allocation) ---------- */

static char *next_tok(char **p)
{
    char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s) {
        *p = s;
        return NULL;
    }
    char *t = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    if (*s)
        *s++ = '\0';
    *p = s;
    return t;
}

static char *rest_of_line(char **p)
{
    char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    return *s ? s : NULL;
}

static int parse_long(const char *s, long long min, long long max, long long *v)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || *end || x < min || x > max)
        return -1;
    *v = x;
    return 0;
}

/* Addresses are hex, "0x" prefix optional on input. */
static int parse_addr(const char *s, uintptr_t *v)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 16);
    if (errno || *end)
        return -1;
    *v = (uintptr_t)x;
    return 0;
}

static int parse_fd(const char *s, int *fd)
{
    long long v;
    if (parse_long(s, 0, INT_MAX, &v))
        return -1;
    *fd = (int)v;
    return 0;
}

static pid_t my_tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* ---------- worker threads ---------- */

enum { W_FREE, W_STARTING, W_IDLE, W_CMD, W_DONE, W_EXITED };

struct worker {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int state;
    pid_t tid;
    pthread_t th;
    void *stack;
    char cmd[LINE_MAX_LEN];
    char resp[RESP_LEN];
};

static struct worker workers[MAX_THREADS];
static pthread_mutex_t workers_mu = PTHREAD_MUTEX_INITIALIZER;

static void run_command(char *line, char *out);

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    int leaving = 0;
    pthread_mutex_lock(&w->mu);
    w->tid = my_tid();
    w->state = W_IDLE;
    pthread_cond_broadcast(&w->cv);
    while (!leaving) {
        while (w->state != W_CMD)
            pthread_cond_wait(&w->cv, &w->mu);
        pthread_mutex_unlock(&w->mu);

        leaving = strcmp(w->cmd, "exit_thread") == 0;
        if (leaving)
            reply(w->resp, "ok");
        else
            run_command(w->cmd, w->resp);

        pthread_mutex_lock(&w->mu);
        w->state = leaving ? W_EXITED : W_DONE;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    /* Return rather than pthread_exit(): pthread_exit unwinds the stack,
     * which makes glibc dlopen libgcc_s and malloc a new arena. */
    return NULL;
}

static void cmd_thread(char *out)
{
    struct worker *w = NULL;
    pthread_mutex_lock(&workers_mu);
    for (int i = 0; i < MAX_THREADS; i++)
        if (workers[i].state == W_FREE) {
            w = &workers[i];
            w->state = W_STARTING; /* reserve the slot */
            break;
        }
    pthread_mutex_unlock(&workers_mu);
    if (!w) {
        reply(out, "err %d too many threads", EAGAIN);
        return;
    }

    /* Our own stack, so that it is unmapped again when the thread is joined
     * (glibc would otherwise keep its stacks cached and VmData would not go
     * back down after exit_thread). */
    void *stack = mmap(NULL, THREAD_STACK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        int e = errno;
        w->state = W_FREE;
        reply_err(out, e, "mmap thread stack");
        return;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, THREAD_STACK);

    pthread_mutex_lock(&w->mu);
    w->tid = 0;
    w->stack = stack;
    int rc = pthread_create(&w->th, &attr, worker_main, w);
    pthread_attr_destroy(&attr);
    if (rc) {
        w->state = W_FREE;
        pthread_mutex_unlock(&w->mu);
        munmap(stack, THREAD_STACK);
        reply_err(out, rc, "pthread_create");
        return;
    }
    while (w->state != W_IDLE) /* worker_main sets W_IDLE once it knows its tid */
        pthread_cond_wait(&w->cv, &w->mu);
    pid_t tid = w->tid;
    pthread_mutex_unlock(&w->mu);
    reply(out, "ok %d", (int)tid);
}

static struct worker *find_worker(pid_t tid)
{
    struct worker *w = NULL;
    pthread_mutex_lock(&workers_mu);
    for (int i = 0; i < MAX_THREADS; i++)
        if (workers[i].state != W_FREE && workers[i].tid == tid)
            w = &workers[i];
    pthread_mutex_unlock(&workers_mu);
    return w;
}

/* pthread_join returns once the kernel cleared the tid futex, which happens
 * slightly before the task is fully gone; wait until /proc agrees too. */
static void wait_task_gone(pid_t tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", (int)tid);
    for (int i = 0; i < 2000 && access(path, F_OK) == 0; i++) {
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
}

static void cmd_on(char *args, char *out)
{
    long long t;
    char *cmd;
    if (parse_long(next_tok(&args), 1, INT_MAX, &t) || !(cmd = rest_of_line(&args))) {
        reply(out, "err %d usage: on <tid> <command...>", EINVAL);
        return;
    }
    struct worker *w = find_worker((pid_t)t);
    if (!w) {
        reply(out, "err %d no worker thread with tid %lld", ESRCH, t);
        return;
    }
    if (w->tid == my_tid()) {
        reply(out, "err %d a thread cannot send to itself", EDEADLK);
        return;
    }
    pthread_mutex_lock(&w->mu);
    if (w->state != W_IDLE) {
        pthread_mutex_unlock(&w->mu);
        reply(out, "err %d thread %lld is busy", EBUSY, t);
        return;
    }
    snprintf(w->cmd, sizeof w->cmd, "%s", cmd);
    w->state = W_CMD;
    pthread_cond_broadcast(&w->cv);
    while (w->state == W_CMD)
        pthread_cond_wait(&w->cv, &w->mu);
    memcpy(out, w->resp, RESP_LEN);
    int exited = w->state == W_EXITED;
    if (!exited)
        w->state = W_IDLE;
    pthread_mutex_unlock(&w->mu);

    if (exited) {
        pthread_join(w->th, NULL);
        wait_task_gone(w->tid);
        munmap(w->stack, THREAD_STACK);
        pthread_mutex_lock(&workers_mu);
        w->state = W_FREE;
        w->tid = 0;
        pthread_mutex_unlock(&workers_mu);
    }
}

/* ---------- commands ---------- */

static void cmd_mmap(char *args, char *out, int flags)
{
    long long n;
    if (parse_long(next_tok(&args), 1, LLONG_MAX, &n)) {
        reply(out, "err %d usage: mmap <bytes>", EINVAL);
        return;
    }
    void *p = mmap(NULL, (size_t)n, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        reply_err(out, errno, "mmap");
    else
        reply(out, "ok %p", p);
}

/* ---------- another process sharing the memory or the fd table ---------- */

/* One child at a time: the command waits for it before it answers. */
static char child_stack[256 * 1024] __attribute__((aligned(16)));
static struct {
    long long n;
    const char *path;
} child_job;

static void touch_pages(char *p, long long bytes)
{
    for (long long i = 0; i < bytes; i += 4096)
        ((volatile char *)p)[i] = 1;
}

/* clone(CLONE_VM): the child maps and touches child_job.n bytes of the shared mm, then exits. */
static int vm_child_main(void *arg)
{
    (void)arg;
    char *p = mmap(NULL, (size_t)child_job.n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    touch_pages(p, child_job.n);
    return 0;
}

/* clone(CLONE_FILES): the child opens child_job.n files into the shared table, then exits. */
static int files_child_main(void *arg)
{
    (void)arg;
    for (long long i = 0; i < child_job.n; i++)
        if (open(child_job.path, O_RDONLY) < 0)
            return 1;
    return 0;
}

/*
 * Runs fn in a clone(flags) child (another process) and waits for it, asleep,
 * without a hooked call: first sleep_ms in nanosleep (which the child's end
 * does not interrupt), then in waitpid.
 */
static void run_child(int (*fn)(void *), int flags, long long sleep_ms, char *out)
{
    int status;
    pid_t child = clone(fn, child_stack + sizeof child_stack, flags | SIGCHLD, NULL);
    if (child < 0) {
        reply_err(out, errno, "clone");
        return;
    }
    struct timespec ts = { (time_t)(sleep_ms / 1000), (long)(sleep_ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            reply_err(out, errno, "waitpid");
            return;
        }
    }
    if (WIFSIGNALED(status))
        reply(out, "ok %d signal %d", (int)child, WTERMSIG(status));
    else
        reply(out, "ok %d exit %d", (int)child, WEXITSTATUS(status));
}

/* ---------- io_uring with a kernel thread submitting (SQPOLL) ---------- */

/*
 * Opens n files through an IORING_SETUP_SQPOLL ring: the kernel's SQPOLL
 * thread (or an io-wq worker) opens them; this process only writes SQEs and
 * polls the CQ ring from user space, so it makes no syscall once the ring is
 * set up (unless the SQPOLL thread went to sleep: then one io_uring_enter
 * wakes it, and the reply says "woken"). The ring stays open.
 */
static void cmd_sqpoll(char *args, char *out)
{
    long long n;
    char *path;
    if (parse_long(next_tok(&args), 1, 256, &n) || !(path = rest_of_line(&args))) {
        reply(out, "err %d usage: sqpoll <n 1..256> <path>", EINVAL);
        return;
    }
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_SQPOLL;
    p.sq_thread_idle = 60000; /* ms: the thread stays awake through the command */
    int ring = syscall(SYS_io_uring_setup, 256, &p);
    if (ring < 0) {
        reply_err(out, errno, "io_uring_setup");
        return;
    }
    size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    if (p.features & IORING_FEAT_SINGLE_MMAP && cq_len > sq_len)
        sq_len = cq_len;
    char *sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
    if (sq == MAP_FAILED) {
        reply_err(out, errno, "mmap sq ring");
        return;
    }
    char *cq = sq;
    if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
        cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
        if (cq == MAP_FAILED) {
            reply_err(out, errno, "mmap cq ring");
            return;
        }
    }
    struct io_uring_sqe *sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
    if (sqes == MAP_FAILED) {
        reply_err(out, errno, "mmap sqes");
        return;
    }
    unsigned *sq_tail = (unsigned *)(sq + p.sq_off.tail), *sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    unsigned *sq_array = (unsigned *)(sq + p.sq_off.array), *sq_flags = (unsigned *)(sq + p.sq_off.flags);
    unsigned *cq_head = (unsigned *)(cq + p.cq_off.head), *cq_tail = (unsigned *)(cq + p.cq_off.tail);
    unsigned *cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    unsigned tail = *sq_tail;
    for (long long i = 0; i < n; i++, tail++) {
        unsigned idx = tail & *sq_mask;
        struct io_uring_sqe *e = &sqes[idx];
        memset(e, 0, sizeof *e);
        e->opcode = IORING_OP_OPENAT;
        e->fd = AT_FDCWD;
        e->addr = (uintptr_t)path;
        e->open_flags = O_RDONLY;
        e->user_data = (unsigned long long)i;
        sq_array[idx] = idx;
    }
    __atomic_store_n(sq_tail, tail, __ATOMIC_RELEASE);
    int woken = 0;
    if (__atomic_load_n(sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_NEED_WAKEUP) {
        syscall(SYS_io_uring_enter, ring, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0);
        woken = 1;
    }
    long long done = 0, opened = 0;
    struct timespec step = { 0, 1000000 };
    for (int waited = 0; done < n && waited < 20000; waited++) {
        unsigned head = *cq_head;
        while (head != __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
            if (cqes[head & *cq_mask].res >= 0)
                opened++;
            head++;
            done++;
        }
        __atomic_store_n(cq_head, head, __ATOMIC_RELEASE);
        if (done < n)
            nanosleep(&step, NULL);
    }
    if (done < n) {
        reply(out, "err %d sqpoll: %lld of %lld completions within 20 s", ETIMEDOUT, done, n);
        return;
    }
    reply(out, "ok %d %lld%s", ring, opened, woken ? " woken" : "");
}

static void cmd_exec(char *args, char *out)
{
    char *argv[MAX_ARGS + 1];
    int n = 0;
    char *tok;
    while (n < MAX_ARGS && (tok = next_tok(&args)))
        argv[n++] = tok;
    argv[n] = NULL;
    if (n == 0) {
        reply(out, "err %d usage: exec <path> [args...]", EINVAL);
        return;
    }
    execv(argv[0], argv);
    reply_err(out, errno, "execv");
}

/* ---------- kernel work for the tracer's tests ---------- */

/* Opens, reads to the end and closes path n times: the kernel kmallocs and
 * kfrees on each round (seq_file buffers for /proc files). */
static void cmd_readfile(char *args, char *out)
{
    static char buf[65536];
    long long n, total = 0;
    char *path;
    if (parse_long(next_tok(&args), 0, INT_MAX, &n) || !(path = rest_of_line(&args))) {
        reply(out, "err %d usage: readfile <n> <path>", EINVAL);
        return;
    }
    for (long long i = 0; i < n; i++) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) {
            reply_err(out, errno, "open");
            return;
        }
        ssize_t r;
        while ((r = read(fd, buf, sizeof buf)) > 0)
            total += r;
        close(fd);
    }
    reply(out, "ok %lld", total);
}

/* n times: a new pipe, one byte through it, both ends closed (kmalloc'd
 * pipe_inode_info and buffer array, freed again). */
static void cmd_pipes(char *args, char *out)
{
    long long n;
    int fds[2];
    char c = 'x';
    if (parse_long(next_tok(&args), 0, INT_MAX, &n)) {
        reply(out, "err %d usage: pipes <n>", EINVAL);
        return;
    }
    for (long long i = 0; i < n; i++) {
        if (pipe(fds)) {
            reply_err(out, errno, "pipe");
            return;
        }
        if (write(fds[1], &c, 1) != 1 || read(fds[0], &c, 1) != 1) {
            int e = errno;
            close(fds[0]);
            close(fds[1]);
            reply_err(out, e, "pipe write/read");
            return;
        }
        close(fds[0]);
        close(fds[1]);
    }
    reply(out, "ok");
}

/* One pipe, then n times one byte written and read back: each write and
 * each read takes the pipe's mutex once (mutex_lock + mutex_unlock). */
static void cmd_pipe_rw(char *args, char *out)
{
    long long n;
    int fds[2];
    char c = 'x';
    if (parse_long(next_tok(&args), 0, INT_MAX, &n)) {
        reply(out, "err %d usage: pipe_rw <n>", EINVAL);
        return;
    }
    if (pipe(fds)) {
        reply_err(out, errno, "pipe");
        return;
    }
    int e = 0;
    for (long long i = 0; i < n && !e; i++)
        if (write(fds[1], &c, 1) != 1 || read(fds[0], &c, 1) != 1)
            e = errno;
    close(fds[0]);
    close(fds[1]);
    if (e)
        reply_err(out, e, "pipe write/read");
    else
        reply(out, "ok");
}

/* seccomp_notify: a helper thread of this process installs a user-notification
 * filter on itself for getppid and calls getppid n times; this thread receives
 * and answers each notification. In the kernel each notification is one up()
 * (by the helper) and each receive one down_interruptible() (by this thread). */
struct notify_helper {
    long long n;
    int listener;          /* set by the helper: the filter's listener fd, or -errno */
    pid_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static void *notify_helper_main(void *arg)
{
    struct notify_helper *h = arg;
    struct sock_filter insns[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { sizeof insns / sizeof insns[0], insns };
    int fd = -EINVAL;
    /* no_new_privs and the filter are this thread's alone, and end with it. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        fd = -errno;
    else if ((fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                                SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog)) < 0)
        fd = -errno;
    pthread_mutex_lock(&h->mu);
    h->tid = my_tid();
    h->listener = fd;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    if (fd >= 0)
        for (long long i = 0; i < h->n; i++)
            syscall(SYS_getppid);
    return NULL;
}

static void cmd_seccomp_notify(char *args, char *out)
{
    static struct notify_helper h;
    long long n;
    if (parse_long(next_tok(&args), 0, INT_MAX, &n)) {
        reply(out, "err %d usage: seccomp_notify <n>", EINVAL);
        return;
    }
    void *stack = mmap(NULL, THREAD_STACK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        reply_err(out, errno, "mmap helper stack");
        return;
    }
    pthread_attr_t attr;
    pthread_t th;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, THREAD_STACK);
    h.n = n;
    h.listener = 0;
    pthread_mutex_init(&h.mu, NULL);
    pthread_cond_init(&h.cv, NULL);
    int rc = pthread_create(&th, &attr, notify_helper_main, &h);
    pthread_attr_destroy(&attr);
    if (rc) {
        munmap(stack, THREAD_STACK);
        reply_err(out, rc, "pthread_create");
        return;
    }
    pthread_mutex_lock(&h.mu);
    while (h.listener == 0)
        pthread_cond_wait(&h.cv, &h.mu);
    pthread_mutex_unlock(&h.mu);
    int e = h.listener < 0 ? -h.listener : 0;
    for (long long i = 0; i < n && !e; i++) {
        struct seccomp_notif req;
        struct seccomp_notif_resp resp;
        memset(&req, 0, sizeof req);
        if (ioctl(h.listener, SECCOMP_IOCTL_NOTIF_RECV, &req)) {
            if (errno == EINTR) {
                i--;
                continue;
            }
            e = errno;
            break;
        }
        memset(&resp, 0, sizeof resp);
        resp.id = req.id;
        resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        if (ioctl(h.listener, SECCOMP_IOCTL_NOTIF_SEND, &resp))
            e = errno;
    }
    if (h.listener > 0)
        close(h.listener); /* a helper still waiting gets ENOSYS and goes on */
    pthread_join(th, NULL);
    wait_task_gone(h.tid);
    munmap(stack, THREAD_STACK);
    if (e)
        reply_err(out, e, "seccomp user notification");
    else
        reply(out, "ok %lld", n);
}

/* The process's pid in each pid namespace, outermost (the host's) first: the
 * NSpid line of /proc/self/status. /proc is the host's (the launcher does not
 * remount it), so this works inside a new pid namespace too. */
/*
 * fdkind <kind>: one descriptor of a kind the other commands do not make,
 * through the system call that makes it; replies "ok <fd>..." with every
 * descriptor the command leaves open (accept and scm_rights leave three).
 */
static int fd_of_kind(const char *kind, int *fds, int *n)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd, pair[2];

    *n = 0;
    if (!strcmp(kind, "signalfd")) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR2);
        fd = signalfd(-1, &set, 0);
    } else if (!strcmp(kind, "timerfd")) {
        fd = timerfd_create(CLOCK_MONOTONIC, 0);
    } else if (!strcmp(kind, "inotify")) {
        fd = inotify_init1(0);
    } else if (!strcmp(kind, "fanotify")) {
        fd = fanotify_init(FAN_CLASS_NOTIF, O_RDONLY);
    } else if (!strcmp(kind, "userfaultfd")) {
        fd = syscall(SYS_userfaultfd, 0);
    } else if (!strcmp(kind, "perf_event")) {
        struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(attr),
                                        .config = PERF_COUNT_SW_TASK_CLOCK, .disabled = 1 };
        fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    } else if (!strcmp(kind, "bpf_map")) {
        union bpf_attr attr;
        memset(&attr, 0, sizeof(attr));
        attr.map_type = BPF_MAP_TYPE_ARRAY;
        attr.key_size = 4;
        attr.value_size = 4;
        attr.max_entries = 1;
        fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
    } else if (!strcmp(kind, "io_uring")) {
        struct io_uring_params params;
        memset(&params, 0, sizeof(params));
        fd = syscall(SYS_io_uring_setup, 4, &params);
    } else if (!strcmp(kind, "pidfd")) {
        fd = syscall(SYS_pidfd_open, getpid(), 0);
    } else if (!strcmp(kind, "accept")) {
        /* a listener in the abstract namespace, a client connected to it, the accepted end */
        int listener = socket(AF_UNIX, SOCK_STREAM, 0), client;
        snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "restracker-workload-%d", (int)getpid());
        if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, 1))
            return -1;
        if ((client = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 || connect(client, (struct sockaddr *)&addr, sizeof(addr)))
            return -1;
        fds[(*n)++] = listener;
        fds[(*n)++] = client;
        fd = accept4(listener, NULL, NULL, 0);
    } else if (!strcmp(kind, "scm_rights")) {
        /* a socket pair; /dev/null sent over it as SCM_RIGHTS and closed; the copy recvmsg makes */
        char byte = 'x', control[CMSG_SPACE(sizeof(int))];
        struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                              .msg_controllen = sizeof(control) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        int sent = open("/dev/null", O_RDONLY);
        if (sent < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, pair))
            return -1;
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &sent, sizeof(int));
        if (sendmsg(pair[0], &msg, 0) != 1)
            return -1;
        close(sent);
        fds[(*n)++] = pair[0];
        fds[(*n)++] = pair[1];
        memset(control, 0, sizeof(control));
        msg.msg_controllen = sizeof(control);
        if (recvmsg(pair[1], &msg, 0) != 1 || !(c = CMSG_FIRSTHDR(&msg)) || c->cmsg_type != SCM_RIGHTS)
            return -1;
        memcpy(&fd, CMSG_DATA(c), sizeof(int));
    } else {
        errno = EINVAL;
        return -1;
    }
    if (fd < 0)
        return -1;
    fds[(*n)++] = fd;
    return 0;
}

static void cmd_fdkind(char *args, char *out)
{
    char *kind = next_tok(&args);
    int fds[4], n, len;

    if (!kind) {
        reply(out, "err %d usage: fdkind <signalfd|timerfd|inotify|fanotify|userfaultfd|perf_event|bpf_map|io_uring|pidfd|accept|scm_rights>", EINVAL);
        return;
    }
    if (fd_of_kind(kind, fds, &n)) {
        reply_err(out, errno, kind);
        return;
    }
    len = snprintf(out, RESP_LEN, "ok");
    for (int i = 0; i < n; i++)
        len += snprintf(out + len, RESP_LEN - len, " %d", fds[i]);
}

static void cmd_nspid(char *out)
{
    static char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0) {
        reply_err(out, errno, "open /proc/self/status");
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        reply_err(out, n < 0 ? errno : EIO, "read /proc/self/status");
        return;
    }
    buf[n] = '\0';
    char *line = strstr(buf, "\nNSpid:");
    if (!line) {
        reply(out, "err %d no NSpid in /proc/self/status", ENOSYS);
        return;
    }
    line += strlen("\nNSpid:");
    char *end = strchr(line, '\n');
    if (end)
        *end = '\0';
    for (char *c = line; *c; c++)
        if (*c == '\t')
            *c = ' ';
    while (*line == ' ')
        line++;
    reply(out, "ok %s", line);
}

/*
 * Launcher options, for the pid-reuse and pid-namespace tests:
 *   --new-pidns          the command loop runs as pid 1 of a new pid namespace
 *   --pidns-of PID       ... in the pid namespace of process PID
 *   --set-tid N[,M...]   ... with exactly these pids (clone3's set_tid: the
 *                        innermost namespace's first, the host's last)
 * The launcher forks that child with clone3 and exits with its status
 * (128 + the signal when it was killed). Returns -1 in the child.
 */
static int launch(int argc, char **argv)
{
    int new_ns = 0;
    const char *ns_of = NULL;
    pid_t tids[8];
    size_t ntids = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--new-pidns")) {
            new_ns = 1;
        } else if (!strcmp(argv[i], "--pidns-of") && i + 1 < argc) {
            ns_of = argv[++i];
        } else if (!strcmp(argv[i], "--set-tid") && i + 1 < argc) {
            char *list = argv[++i], *tok;
            while ((tok = strsep(&list, ",")) && ntids < 8)
                tids[ntids++] = (pid_t)atoi(tok);
        } else {
            fprintf(stderr, "workload: unknown option %s\n", argv[i]);
            return 125;
        }
    }
    if (new_ns && unshare(CLONE_NEWPID)) {
        fprintf(stderr, "workload: unshare(CLONE_NEWPID): %s\n", strerror(errno));
        return 125;
    }
    if (ns_of) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%s/ns/pid", ns_of);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWPID)) {
            fprintf(stderr, "workload: setns(%s): %s\n", path, strerror(errno));
            return 125;
        }
        close(fd);
    }
    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.exit_signal = SIGCHLD;
    ca.set_tid = ntids ? (uintptr_t)tids : 0;
    ca.set_tid_size = ntids;
    long child = syscall(SYS_clone3, &ca, sizeof ca);
    if (child < 0) {
        fprintf(stderr, "workload: clone3: %s\n", strerror(errno));
        return 125;
    }
    if (child == 0)
        return -1;
    int status;
    while (waitpid((pid_t)child, &status, 0) < 0)
        if (errno != EINTR)
            return 125;
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* Runs one command line (modified in place) and formats the reply into out. */
static void run_command(char *line, char *out)
{
    char *args = line;
    char *cmd = next_tok(&args);
    char *a1, *a2, *a3;
    long long v, v2;
    uintptr_t addr;
    int fd, fd2, fds[2];

    if (!cmd) {
        reply(out, "err %d empty command", EINVAL);
        return;
    }
#define BAD(usage) do { reply(out, "err %d usage: %s", EINVAL, usage); return; } while (0)
#define SYSERR(what) do { reply_err(out, errno, what); return; } while (0)

    if (!strcmp(cmd, "pid")) {
        reply(out, "ok %d %d", (int)getpid(), (int)my_tid());
    } else if (!strcmp(cmd, "nspid")) {
        cmd_nspid(out);
    } else if (!strcmp(cmd, "fdkind")) {
        cmd_fdkind(args, out);
    } else if (!strcmp(cmd, "fdchurn")) {
        if (parse_long(next_tok(&args), 0, INT_MAX, &v) || !(a1 = rest_of_line(&args)))
            BAD("fdchurn <n> <path>");
        for (long long i = 0; i < v; i++) {
            if ((fd = open(a1, O_RDONLY)) < 0)
                SYSERR("open");
            close(fd);
        }
        reply(out, "ok %lld", v);
    } else if (!strcmp(cmd, "forks")) {
        /* n children, each exiting at once, all reaped: a fork storm */
        if (parse_long(next_tok(&args), 0, INT_MAX, &v))
            BAD("forks <n>");
        for (long long i = 0; i < v; i++) {
            pid_t child = fork();
            if (child < 0)
                SYSERR("fork");
            if (child == 0)
                _exit(0);
            while (waitpid(child, NULL, 0) < 0)
                if (errno != EINTR)
                    SYSERR("waitpid");
        }
        reply(out, "ok %lld", v);
    } else if (!strcmp(cmd, "brk")) {
        if (parse_long(next_tok(&args), LLONG_MIN, LLONG_MAX, &v))
            BAD("brk <delta>");
        if (sbrk((intptr_t)v) == (void *)-1)
            SYSERR("sbrk");
        reply(out, "ok %p", sbrk(0));
    } else if (!strcmp(cmd, "mmap")) {
        cmd_mmap(args, out, MAP_PRIVATE);
    } else if (!strcmp(cmd, "mmap_shared")) {
        cmd_mmap(args, out, MAP_SHARED);
    } else if (!strcmp(cmd, "touch")) {
        if (parse_addr(next_tok(&args), &addr) || parse_long(next_tok(&args), 1, LLONG_MAX, &v))
            BAD("touch <addr> <bytes>");
        touch_pages((char *)addr, v);
        reply(out, "ok");
    } else if (!strcmp(cmd, "growsdown")) {
        /* a stack mapping (VM_GROWSDOWN: VmStk, not VmData), touched */
        if (parse_long(next_tok(&args), 1, LLONG_MAX, &v))
            BAD("growsdown <bytes>");
        char *p = mmap(NULL, (size_t)v, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
        if (p == MAP_FAILED)
            SYSERR("mmap");
        touch_pages(p, v);
        reply(out, "ok %p", (void *)p);
    } else if (!strcmp(cmd, "shm")) {
        /* a SysV segment attached and touched (RssShmem), removed at detach */
        if (parse_long(next_tok(&args), 1, LLONG_MAX, &v))
            BAD("shm <bytes>");
        int id = shmget(IPC_PRIVATE, (size_t)v, IPC_CREAT | 0600);
        if (id < 0)
            SYSERR("shmget");
        char *p = shmat(id, NULL, 0);
        shmctl(id, IPC_RMID, NULL);
        if (p == (void *)-1)
            SYSERR("shmat");
        touch_pages(p, v);
        reply(out, "ok %p", (void *)p);
    } else if (!strcmp(cmd, "vmchild")) {
        /* another process in this mm maps and touches <bytes>; this one waits, asleep */
        if (parse_long(next_tok(&args), 1, LLONG_MAX, &v))
            BAD("vmchild <bytes> [sleep_ms]");
        a1 = next_tok(&args);
        if (a1 && parse_long(a1, 0, INT_MAX, &v2))
            BAD("vmchild <bytes> [sleep_ms]");
        child_job.n = v;
        run_child(vm_child_main, CLONE_VM, a1 ? v2 : 0, out);
    } else if (!strcmp(cmd, "fileschild")) {
        /* another process with this fd table opens <n> files; this one waits, asleep */
        if (parse_long(next_tok(&args), 0, INT_MAX, &v) || !(a1 = rest_of_line(&args)))
            BAD("fileschild <n> <path>");
        child_job.n = v;
        child_job.path = a1;
        run_child(files_child_main, CLONE_FILES, 0, out);
    } else if (!strcmp(cmd, "sqpoll")) {
        cmd_sqpoll(args, out);
    } else if (!strcmp(cmd, "munmap")) {
        if (parse_addr(next_tok(&args), &addr) || parse_long(next_tok(&args), 1, LLONG_MAX, &v))
            BAD("munmap <addr> <bytes>");
        if (munmap((void *)addr, (size_t)v))
            SYSERR("munmap");
        reply(out, "ok");
    } else if (!strcmp(cmd, "mprotect")) {
        int prot;
        a1 = next_tok(&args), a2 = next_tok(&args), a3 = next_tok(&args);
        if (parse_addr(a1, &addr) || parse_long(a2, 1, LLONG_MAX, &v) || !a3)
            BAD("mprotect <addr> <bytes> <r|rw|none>");
        if (!strcmp(a3, "r"))
            prot = PROT_READ;
        else if (!strcmp(a3, "rw"))
            prot = PROT_READ | PROT_WRITE;
        else if (!strcmp(a3, "none"))
            prot = PROT_NONE;
        else
            BAD("mprotect <addr> <bytes> <r|rw|none>");
        if (mprotect((void *)addr, (size_t)v, prot))
            SYSERR("mprotect");
        reply(out, "ok");
    } else if (!strcmp(cmd, "malloc")) {
        if (parse_long(next_tok(&args), 0, LLONG_MAX, &v))
            BAD("malloc <bytes>");
        void *p = malloc((size_t)v);
        if (!p)
            SYSERR("malloc");
        memset(p, 0xa5, (size_t)v); /* touch it, so it is resident */
        reply(out, "ok %p", p);
    } else if (!strcmp(cmd, "free")) {
        if (parse_addr(next_tok(&args), &addr))
            BAD("free <addr>");
        free((void *)addr);
        reply(out, "ok");
    } else if (!strcmp(cmd, "open") || !strcmp(cmd, "open_cloexec")) {
        int flags = O_RDONLY | (cmd[4] ? O_CLOEXEC : 0);
        if (!(a1 = rest_of_line(&args)))
            BAD("open <path>");
        if ((fd = open(a1, flags)) < 0)
            SYSERR("open");
        reply(out, "ok %d", fd);
    } else if (!strcmp(cmd, "dup")) {
        if (parse_fd(next_tok(&args), &fd))
            BAD("dup <fd>");
        if ((fd2 = dup(fd)) < 0)
            SYSERR("dup");
        reply(out, "ok %d", fd2);
    } else if (!strcmp(cmd, "dup2")) {
        if (parse_fd(next_tok(&args), &fd) || parse_fd(next_tok(&args), &fd2))
            BAD("dup2 <old> <new>");
        if (dup2(fd, fd2) < 0)
            SYSERR("dup2");
        reply(out, "ok %d", fd2);
    } else if (!strcmp(cmd, "fcntl_dupfd")) {
        if (parse_fd(next_tok(&args), &fd) || parse_fd(next_tok(&args), &fd2))
            BAD("fcntl_dupfd <fd> <min>");
        if ((fd = fcntl(fd, F_DUPFD, fd2)) < 0)
            SYSERR("fcntl(F_DUPFD)");
        reply(out, "ok %d", fd);
    } else if (!strcmp(cmd, "socket")) {
        if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
            SYSERR("socket");
        reply(out, "ok %d", fd);
    } else if (!strcmp(cmd, "socketpair")) {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
            SYSERR("socketpair");
        reply(out, "ok %d %d", fds[0], fds[1]);
    } else if (!strcmp(cmd, "pipe")) {
        if (pipe(fds))
            SYSERR("pipe");
        reply(out, "ok %d %d", fds[0], fds[1]);
    } else if (!strcmp(cmd, "eventfd")) {
        if ((fd = eventfd(0, 0)) < 0)
            SYSERR("eventfd");
        reply(out, "ok %d", fd);
    } else if (!strcmp(cmd, "memfd")) {
        if ((fd = memfd_create("workload", 0)) < 0)
            SYSERR("memfd_create");
        reply(out, "ok %d", fd);
    } else if (!strcmp(cmd, "epoll")) {
        if ((fd = epoll_create1(0)) < 0)
            SYSERR("epoll_create1");
        reply(out, "ok %d", fd);
    } else if (!strcmp(cmd, "close")) {
        if (parse_fd(next_tok(&args), &fd))
            BAD("close <fd>");
        if (close(fd))
            SYSERR("close");
        reply(out, "ok");
    } else if (!strcmp(cmd, "close_range")) {
        /* fds are unsigned here: "close_range 3 4294967295" closes 3.. */
        if (parse_long(next_tok(&args), 0, UINT_MAX, &v) ||
            parse_long(next_tok(&args), 0, UINT_MAX, &v2))
            BAD("close_range <first> <last>");
        if (syscall(SYS_close_range, (unsigned int)v, (unsigned int)v2, 0u))
            SYSERR("close_range");
        reply(out, "ok");
    } else if (!strcmp(cmd, "openmany")) {
        if (parse_long(next_tok(&args), 1, INT_MAX, &v) || !(a1 = rest_of_line(&args)))
            BAD("openmany <n> <path>");
        int first = -1, last = -1;
        for (long long i = 0; i < v; i++) {
            if ((fd = open(a1, O_RDONLY)) < 0) {
                /* the ones already opened stay open; say which they are */
                int e = errno;
                reply(out, "err %d openmany: open #%lld failed after fds %d..%d: %s",
                      e, i + 1, first, last, strerror(e));
                return;
            }
            if (first < 0)
                first = fd;
            last = fd;
        }
        reply(out, "ok %d %d", first, last);
    } else if (!strcmp(cmd, "thread")) {
        cmd_thread(out);
    } else if (!strcmp(cmd, "on")) {
        cmd_on(args, out);
    } else if (!strcmp(cmd, "exit_thread")) {
        reply(out, "err %d exit_thread only works as: on <tid> exit_thread", EINVAL);
    } else if (!strcmp(cmd, "exec")) {
        cmd_exec(args, out);
    } else if (!strcmp(cmd, "readfile")) {
        cmd_readfile(args, out);
    } else if (!strcmp(cmd, "pipes")) {
        cmd_pipes(args, out);
    } else if (!strcmp(cmd, "pipe_rw")) {
        cmd_pipe_rw(args, out);
    } else if (!strcmp(cmd, "seccomp_notify")) {
        cmd_seccomp_notify(args, out);
    } else if (!strcmp(cmd, "fork_exit")) {
        pid_t child = fork();
        if (child < 0)
            SYSERR("fork");
        if (child == 0)
            _exit(0);
        while (waitpid(child, NULL, 0) < 0) {
            if (errno != EINTR)
                SYSERR("waitpid");
        }
        reply(out, "ok %d", (int)child);
    } else if (!strcmp(cmd, "setuid") || !strcmp(cmd, "setreuid") || !strcmp(cmd, "setresuid")) {
        /* That syscall itself, in this thread only (glibc's wrappers signal every thread); -1 keeps an id. */
        long long ids[3] = { -1, -1, -1 };
        int n = !strcmp(cmd, "setuid") ? 1 : !strcmp(cmd, "setreuid") ? 2 : 3;
        for (int i = 0; i < n; i++) {
            if (parse_long(next_tok(&args), -1, UINT32_MAX, &ids[i]))
                BAD("setuid <uid> | setreuid <ruid> <euid> | setresuid <ruid> <euid> <suid> (-1: unchanged)");
        }
        long nr = n == 1 ? SYS_setuid : n == 2 ? SYS_setreuid : SYS_setresuid;
        if (syscall(nr, (uid_t)ids[0], (uid_t)ids[1], (uid_t)ids[2]))
            SYSERR(cmd);
        reply(out, "ok %d", (int)getuid());
    } else if (!strcmp(cmd, "sleep_ms")) {
        if (parse_long(next_tok(&args), 0, INT_MAX, &v))
            BAD("sleep_ms <n>");
        struct timespec ts = { (time_t)(v / 1000), (long)(v % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) && errno == EINTR)
            ;
        reply(out, "ok");
    } else if (!strcmp(cmd, "exit")) {
        if (parse_long(next_tok(&args), INT_MIN, INT_MAX, &v))
            BAD("exit <code>");
        _exit((int)v);
    } else {
        reply(out, "err %d unknown command: %.100s", EINVAL, cmd);
    }
#undef BAD
#undef SYSERR
}

/* ---------- start-up and main loop ---------- */

/* Fault in some main-thread stack now, so a deeper command later does not
 * grow the stack mapping. */
static void __attribute__((noinline)) prefault_stack(void)
{
    volatile char pad[64 * 1024];
    for (size_t i = 0; i < sizeof pad; i += 4096)
        pad[i] = 0;
}

/* Reads one line into buf (without the newline). Reads byte by byte on
 * purpose: nothing beyond the current line is taken from the pipe, so after
 * an exec the new image sees the commands that follow. Returns the line
 * length, -1 at EOF, -2 if the line was too long (it is then skipped). */
static ssize_t read_line(char *buf, size_t size)
{
    size_t len = 0;
    int too_long = 0;
    for (;;) {
        char c;
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            fprintf(stderr, "workload: read stdin: %s\n", strerror(errno));
        if (r <= 0) {
            if (len == 0 && !too_long)
                return -1;
            break; /* last line without a newline */
        }
        if (c == '\n')
            break;
        if (len + 1 < size)
            buf[len++] = c;
        else
            too_long = 1;
    }
    if (too_long)
        return -2;
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    buf[len] = '\0';
    return (ssize_t)len;
}

int main(int argc, char **argv)
{
    static char line[LINE_MAX_LEN];
    char out[RESP_LEN];

    if (argc > 1) {
        int status = launch(argc, argv);
        if (status >= 0)
            return status;
    }

    /* Fixed thresholds: glibc otherwise raises the mmap threshold dynamically
     * after a free, so "malloc 1M" could come from mmap once and from the
     * heap the next time. Now a malloc of 128 KiB or more that does not fit
     * in the heap's free top chunk (~132 KiB after start-up) is always its
     * own mmap, and free unmaps it again. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
    /* Create the main malloc heap now (volatile: gcc would drop a plain
     * malloc/free pair), and warm up strerror. */
    void *volatile warm = malloc(64);
    free(warm);
    (void)strerror(EINVAL);
    prefault_stack();
    for (int i = 0; i < MAX_THREADS; i++) {
        pthread_mutex_init(&workers[i].mu, NULL);
        pthread_cond_init(&workers[i].cv, NULL);
    }

    for (;;) {
        ssize_t n = read_line(line, sizeof line);
        if (n == -1)
            exit(0);
        if (n == -2)
            reply(out, "err %d command line too long", EINVAL);
        else
            run_command(line, out);
        write_line(out);
    }
}
