package restracker.control;

import java.nio.file.Path;
import restracker.proc.Namespaces;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.sys.NativeException;
import restracker.sys.UnixSocket;

/** The CLI's side of the control socket: one request, one reply, one connection. */
public final class ControlClient {
    private ControlClient() {}

    /**
     * Whether this process must go through the daemon: without root it cannot touch the kernel's
     * tables, and inside a pid namespace (a container) its pids are not the ones the kernel side
     * keys on; the pidfd it passes lets the daemon translate them.
     */
    public static boolean needed() {
        return Libc.geteuid() != 0 || !Namespaces.inInitialPidNamespace();
    }

    /**
     * Asks the daemon at socket to perform request. A pidfd for request.pid() goes along when one can be
     * opened, so that the daemon acts on that very task, whatever pid namespace the caller is in.
     * No daemon there is EPERM with a sentence saying what to do.
     */
    public static Reply call(Path socket, Request request) {
        int pidfd = request.operation().namesPid() && request.pid() > 0 ? Libc.pidfdOpen(request.pid()) : -1;
        try (UnixSocket s = connect(socket)) {
            s.timeouts(java.time.Duration.ofSeconds(60)); // a long command (a load) may take a while
            s.send(Wire.encode(request), pidfd);
            s.shutdownOutput(); // the request ends here: the daemon reads to the end of the stream
            return Wire.readReply(s);
        } finally {
            if (pidfd >= 0) Libc.close(pidfd);
        }
    }

    private static UnixSocket connect(Path socket) {
        try {
            return UnixSocket.connect(socket);
        } catch (NativeException e) {
            int n = e.rawErrno();
            if (n == Errno.ENOENT.number() || n == 111 /* ECONNREFUSED */ || n == Errno.EACCES.number()) {
                throw new NativeException(Errno.EPERM.number(), "only root can change restracker's kernel tables directly,"
                        + " and no restracker daemon answers on " + socket + " ("
                        + (n == Errno.EACCES.number() ? "no permission to connect" : n == 111 ? "nobody listens" : "no such socket")
                        + "): run as root, or ask root to run `restracker daemon`");
            }
            throw e;
        }
    }
}
