package restracker.kernel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The syscalls after which the tracker recounts usage: every x86-64 syscall that can change
 * mm->data_vm or mm->stack_vm or create or close file descriptors. Each gets on_enter/on_exit on
 * its sys_enter_/sys_exit_ tracepoint; one missing from the running kernel is skipped and reported.
 * Not covered here (documented in the README): descriptors created by read() on a fanotify group,
 * counted at the next hooked call; io_uring requests run by the SQPOLL thread or a worker have
 * hooks of their own (the io_uring tracepoints).
 *
 * <p>tracker.bpf.c repeats this list twice: its fentry variant's HOOK() lines (TrackerHooksTest
 * compares them with this map) and figures_of(), which recounts data_vm only after the "data_vm"
 * group below (and ioctl), the fd table only after the others.
 */
public final class HookedSyscalls {
    /** name -> x86-64 syscall number. */
    public static final Map<String, Integer> ALL;

    static {
        Map<String, Integer> m = new LinkedHashMap<>();
        // data_vm
        m.put("brk", 12); m.put("mmap", 9); m.put("munmap", 11); m.put("mremap", 25);
        m.put("mprotect", 10); m.put("pkey_mprotect", 329); m.put("map_shadow_stack", 453);
        // descriptors created
        m.put("open", 2); m.put("openat", 257); m.put("openat2", 437); m.put("creat", 85);
        m.put("open_by_handle_at", 304); m.put("dup", 32); m.put("dup2", 33); m.put("dup3", 292);
        m.put("fcntl", 72); m.put("socket", 41); m.put("socketpair", 53); m.put("accept", 43);
        m.put("accept4", 288); m.put("pipe", 22); m.put("pipe2", 293); m.put("eventfd", 284);
        m.put("eventfd2", 290); m.put("epoll_create", 213); m.put("epoll_create1", 291);
        m.put("signalfd", 282); m.put("signalfd4", 289); m.put("timerfd_create", 283);
        m.put("inotify_init", 253); m.put("inotify_init1", 294); m.put("fanotify_init", 300);
        m.put("memfd_create", 319); m.put("memfd_secret", 447); m.put("userfaultfd", 323);
        m.put("perf_event_open", 298); m.put("bpf", 321); m.put("io_uring_setup", 425);
        m.put("io_uring_enter", 426); m.put("io_uring_register", 427); m.put("pidfd_open", 434);
        m.put("pidfd_getfd", 438); m.put("open_tree", 428); m.put("open_tree_attr", 467);
        m.put("fsopen", 430); m.put("fsmount", 432); m.put("fspick", 433); m.put("mq_open", 240);
        m.put("recvmsg", 47); m.put("recvmmsg", 299); m.put("ioctl", 16); m.put("seccomp", 317);
        m.put("landlock_create_ruleset", 444); m.put("clone", 56); m.put("clone3", 435);
        // descriptors closed
        m.put("close", 3); m.put("close_range", 436);
        ALL = Collections.unmodifiableMap(m);
    }

    private static final Map<Integer, String> BY_NUMBER = new LinkedHashMap<>();

    static {
        ALL.forEach((name, nr) -> BY_NUMBER.put(nr, name));
        BY_NUMBER.put(59, "execve");
        BY_NUMBER.put(322, "execveat");
    }

    private HookedSyscalls() {}

    /**
     * The name of an x86-64 syscall number seen in an event, e.g. "openat" or "syscall 999"; "cap"
     * for a kill by `cap` itself, "an io_uring completion" for one posted by io_uring's SQPOLL thread
     * or a worker.
     */
    public static String name(int number) {
        if (number == Records.NR_IO_URING) return "an io_uring completion";
        if (number < 0) return "cap";
        return BY_NUMBER.getOrDefault(number, "syscall " + number);
    }
}
