package restracker.seedabi;

import java.util.Optional;
import restracker.control.Operation;
import restracker.control.Reply;
import restracker.control.Request;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.sys.NativeException;
import restracker.sys.SeccompListener;
import restracker.sys.SeccompListener.Notification;
import restracker.tracker.Quota;

/**
 * Answers each call the filter stopped: the original system calls and tracer ioctls are performed
 * by the {@link Backend} and answered with its errno (the syscall returns -1 with it) or 0; an
 * open of /dev/tracer or /proc/tracer is answered with a descriptor installed in the caller; any
 * other stopped call goes on as the kernel runs it.
 */
final class Calls {
    private static final int AUDIT_ARCH_X86_64 = 0xc000003e;
    private static final int NR_IOCTL = 16;
    private static final int O_ACCMODE = 3;
    private static final long MB = 1024 * 1024;

    private final SeccompListener listener;
    private final SeedAbi abi;
    private final Backend backend;
    private final TracerFiles files;

    Calls(SeccompListener listener, SeedAbi abi, Backend backend, TracerFiles files) {
        this.listener = listener;
        this.abi = abi;
        this.backend = backend;
        this.files = files;
    }

    void handle(Notification n) {
        if (n.arch() != AUDIT_ARCH_X86_64) {
            listener.proceed(n.id());
            return;
        }
        Optional<SeedCall> call = SeedCall.of(n.nr(), abi.base());
        if (call.isPresent()) {
            listener.answer(n.id(), 0, errnoOf(n, call.get()));
        } else if (abi.mode() == Mode.FULL && n.nr() == SeedAbi.NR_OPENAT) {
            open(n, (int) n.args()[0], n.args()[1], (int) n.args()[2]);
        } else if (abi.mode() == Mode.FULL && n.nr() == SeedAbi.NR_OPEN) {
            open(n, OpenedPath.AT_FDCWD, n.args()[0], (int) n.args()[1]);
        } else if (abi.mode() == Mode.FULL && n.nr() == NR_IOCTL && files.isDevice(n.pid(), (int) n.args()[0])) {
            int request = (int) n.args()[1]; // ioctl's request is an unsigned int
            Operation op = request == TracerDevice.ADD_PROCESS ? Operation.TRACER_ADD
                    : request == TracerDevice.REMOVE_PROCESS ? Operation.TRACER_REMOVE : null;
            if (op == null) listener.proceed(n.id());
            else listener.answer(n.id(), 0, onPid(n, op, (int) n.args()[2], Errno.ESRCH));
        } else {
            listener.proceed(n.id());
        }
    }

    /** 0 or the errno of call, performed as the original did it. */
    private int errnoOf(Notification n, SeedCall call) {
        long[] a = n.args();
        return switch (call) {
            case SANITY -> 0;
            case REGISTER -> onPid(n, Operation.REGISTER, (int) a[0], Errno.ESRCH);
            case FETCH -> fetch(n, a[0], (int) a[1]);
            case DEREGISTER -> onPid(n, Operation.DEREGISTER, (int) a[0], Errno.ESRCH);
            case RESOURCE_CAP -> cap(n, (int) a[0], a[1], a[2]);
            case RESOURCE_RESET -> onPid(n, Operation.RESET, (int) a[0], Errno.ESRCH);
        };
    }

    private int onPid(Notification n, Operation op, int callerPid, Errno notFound) {
        int pid = CallerPids.inOurView(n.pid(), callerPid);
        if (pid == 0 && callerPid >= 1) return notFound.number();
        return perform(Request.of(op, pid));
    }

    private int cap(Notification n, int callerPid, long heapMb, long files) {
        int pid = CallerPids.inOurView(n.pid(), callerPid);
        if (pid == 0 && callerPid >= 1) return Errno.ESRCH.number();
        if (heapMb > Long.MAX_VALUE / MB) return Errno.EINVAL.number();
        Quota q = new Quota(heapMb < 0 ? Quota.UNLIMITED : heapMb * MB, files < 0 ? Quota.UNLIMITED : files);
        return perform(Request.of(Operation.CAP, pid).withQuota(q));
    }

    private int fetch(Notification n, long stats, int callerPid) {
        if (stats == 0 || callerPid < 1) return Errno.EINVAL.number();
        int pid = CallerPids.inOurView(n.pid(), callerPid);
        if (pid == 0) return Errno.EINVAL.number();
        Reply r = reply(Request.of(Operation.FETCH, pid).with(Request.JSON, true));
        if (r.status() != 0) return r.status();
        Optional<FetchRecord> record = FetchRecord.fromJson(callerPid, r.out());
        if (record.isEmpty()) return Errno.EINVAL.number();
        Optional<CallerMemory> mem = CallerMemory.openForWriting(listener, n);
        if (mem.isEmpty()) return Errno.EINVAL.number();
        try (CallerMemory m = mem.get()) {
            // as the original's copy_to_user: a destination the caller cannot write is EINVAL
            // (maps was read by tid: the call still waiting says that tid was not reused meanwhile)
            boolean writable = m.writable(stats, FetchRecord.SIZE) && listener.stillWaiting(n.id());
            return writable && m.write(stats, record.get().bytes()) ? 0 : Errno.EINVAL.number();
        }
    }

    private int perform(Request r) {
        return reply(r).status();
    }

    /** The backend's answer; a failure to reach it (no daemon) is its errno. */
    private Reply reply(Request r) {
        try {
            return backend.perform(r);
        } catch (NativeException e) {
            return new Reply(e.rawErrno() == 0 ? Errno.EPERM.number() : e.rawErrno(), "", e.getMessage());
        }
    }

    /** openat(dirfd, path, flags, mode) or open(path, flags, mode): the tracer's files are answered here, anything else goes on. */
    private void open(Notification n, int dirfd, long pathAddress, int flags) {
        // unreadable: the open goes on as it would anyway
        Optional<String> path = CallerMemory.string(n.pid(), pathAddress).flatMap(p -> OpenedPath.of(n.pid(), dirfd, p));
        // read through the tid: the call still waiting says it was the caller's tid all along
        if (path.isPresent() && !listener.stillWaiting(n.id())) return;
        boolean cloexec = (flags & Libc.O_CLOEXEC) != 0;
        if (path.isPresent() && path.get().equals(TracerDevice.DEVICE)) {
            listener.answerWithDescriptor(n.id(), files.device(), cloexec);
        } else if (path.isPresent() && path.get().equals(TracerDevice.TABLE)) {
            if ((flags & O_ACCMODE) != 0) {
                listener.answer(n.id(), 0, Errno.EACCES.number()); // the table is read-only
                return;
            }
            Reply r = reply(Request.of(Operation.TRACER_SHOW));
            if (r.status() != 0) {
                listener.answer(n.id(), 0, r.status());
                return;
            }
            int fd = TracerFiles.table(r.out());
            try {
                listener.answerWithDescriptor(n.id(), fd, cloexec);
            } finally {
                Libc.close(fd);
            }
        } else {
            listener.proceed(n.id());
        }
    }
}
