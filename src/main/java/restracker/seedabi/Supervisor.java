package restracker.seedabi;

import restracker.sys.Libc;
import restracker.sys.NativeException;
import restracker.sys.SeccompListener;

/**
 * Answers the calls of a program started by the {@link Launcher}, on a thread of its own, until
 * closed or until no process is left under the filter. If this process dies, the kernel answers
 * every call waiting for it, and every later one, with ENOSYS: the program is never left hanging.
 */
public final class Supervisor implements AutoCloseable {
    private static final int POLL_MILLIS = 200;

    private final SeccompListener listener;
    private final TracerFiles files;
    private final Calls calls;
    private final Thread thread;
    private volatile boolean closing;

    private Supervisor(SeccompListener listener, SeedAbi abi, Backend backend) {
        this.listener = listener;
        this.files = new TracerFiles();
        this.calls = new Calls(listener, abi, backend, files);
        this.thread = Thread.ofPlatform().daemon().name("seed-abi-supervisor").unstarted(this::loop);
    }

    /**
     * Takes the listener of the launcher pid (stopped, before its exec) and starts answering. The
     * launcher is continued by the caller, after this returns.
     */
    public static Supervisor attach(int pid, SeedAbi abi, Backend backend) {
        int pidfd = Libc.pidfdOpen(pid);
        if (pidfd < 0) throw new NativeException(-pidfd, "cannot open a pidfd for the program (pid " + pid + ")");
        SeccompListener listener;
        try {
            listener = SeccompListener.takeFrom(pidfd, Launcher.LISTENER_FD);
        } finally {
            Libc.close(pidfd);
        }
        Supervisor s = new Supervisor(listener, abi, backend);
        s.thread.start();
        return s;
    }

    /** Checks that abi's numbers are free on this kernel; the refusal's sentence, or empty. */
    public static java.util.Optional<String> refusal(Launcher launcher, SeedAbi abi) {
        return BaseCheck.refusal(launcher, abi);
    }

    private void loop() {
        try {
            while (!closing) {
                var n = listener.receive(POLL_MILLIS);
                if (n.isPresent()) {
                    try {
                        calls.handle(n.get());
                    } catch (RuntimeException e) {
                        // a bug in one answer must not leave the caller waiting
                        listener.answer(n.get().id(), 0, restracker.sys.Errno.ENOSYS.number());
                    }
                } else if (listener.hungUp()) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            // the listener itself failed: closing it makes the kernel answer ENOSYS, now and later
            listener.close();
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            thread.join(2 * POLL_MILLIS + 5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.close();
        files.close();
    }
}
