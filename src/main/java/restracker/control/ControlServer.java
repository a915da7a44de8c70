package restracker.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import restracker.proc.Namespaces;
import restracker.sys.Errno;
import restracker.sys.Libc;
import restracker.sys.NativeException;
import restracker.sys.UnixSocket;
import restracker.text.Untrusted;

/**
 * The daemon's control socket: a Unix socket through which a CLI run by any user asks the daemon
 * (root) to run its command. The kernel tells who is calling (SO_PEERCRED) and, through a passed
 * pidfd, which task the command names; the {@link Handler} decides what that caller may do.
 * Requests are typed records of a fixed size ({@link Wire}), decoded strictly: no command line is
 * parsed here and no path a caller names is opened. They are bounded in time too, and served by a
 * small fixed pool: a client that stalls is dropped after {@link #IO_TIMEOUT}, and connections
 * beyond the queue are closed at once.
 */
public final class ControlServer implements AutoCloseable {
    /** The default path; RESTRACKER_CONTROL_SOCKET overrides it for the CLI and the daemon. */
    public static final Path DEFAULT_PATH = Path.of("/run/restracker/control.sock");
    static final Duration IO_TIMEOUT = Duration.ofSeconds(5);
    private static final int WORKERS = 16, QUEUE = 64;

    /** Runs one request for a caller; what it throws is answered with the errno and its message. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(Caller caller, Request request);
    }

    private final Path path;
    private final UnixSocket listener;
    private final Handler handler;
    private final ThreadPoolExecutor workers;
    private final Thread acceptor;
    private final String ownPidNamespace = Namespaces.pidNamespace("self");

    private ControlServer(Path path, UnixSocket listener, Handler handler) {
        this.path = path;
        this.listener = listener;
        this.handler = handler;
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                Thread.ofPlatform().name("restracker-control-", 0).daemon().factory());
        this.acceptor = Thread.ofPlatform().name("restracker-control-accept").daemon().unstarted(this::acceptLoop);
    }

    /**
     * Listens at path. Any local user may connect (mode 0666) unless group is given (then 0660 and
     * that group): what a caller may change is decided per request by its uid, not by the mode.
     */
    public static ControlServer start(Path path, Optional<String> group, Handler handler) {
        prepare(path);
        UnixSocket listener = UnixSocket.listen(path, QUEUE);
        try {
            var view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            if (group.isPresent()) {
                GroupPrincipal g = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group.get());
                view.setGroup(g);
                view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
            } else {
                view.setPermissions(PosixFilePermissions.fromString("rw-rw-rw-"));
            }
        } catch (IOException e) {
            listener.close();
            throw new UncheckedIOException("cannot set the permissions of the control socket " + path + ": " + e.getMessage(), e);
        }
        ControlServer server = new ControlServer(path, listener, handler);
        server.acceptor.start();
        return server;
    }

    public Path path() {
        return path;
    }

    /**
     * Creates the socket's directory (root's, 0755: nobody else may replace the socket) and removes a
     * socket left by a daemon that died; refuses when a live daemon answers there.
     */
    private static void prepare(Path path) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
            if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                throw new NativeException(Errno.EEXIST.number(), "cannot create the control socket: " + path
                        + " exists and is not a socket");
            }
            try (UnixSocket probe = UnixSocket.connect(path)) {
                throw new NativeException(Errno.EBUSY.number(), "another restracker daemon serves the control socket " + path);
            } catch (NativeException e) {
                if (e.errno() == Errno.EBUSY) throw e;
            }
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the control socket " + path + ": " + e.getMessage(), e);
        }
    }

    private void acceptLoop() {
        for (;;) {
            Optional<UnixSocket> next;
            try {
                next = listener.accept();
            } catch (NativeException e) {
                continue; // e.g. EMFILE: that connection is lost, the socket keeps serving
            }
            if (next.isEmpty()) return;
            UnixSocket connection = next.get();
            try {
                workers.execute(() -> serve(connection));
            } catch (RejectedExecutionException e) {
                connection.close(); // saturated: the client sees the connection closed, nothing changes
            }
        }
    }

    private void serve(UnixSocket connection) {
        int[] fd = {-1};
        try (connection) {
            connection.timeouts(IO_TIMEOUT);
            Reply reply;
            try {
                UnixSocket.Peer peer = connection.peer();
                Request request = Wire.decodeRequest(Wire.readRequest(connection, fd));
                reply = handler.handle(resolve(peer, request, fd[0]), request);
            } catch (NativeException e) {
                if (e.errno() == Errno.EAGAIN) return; // stalled past the timeout: drop it
                reply = new Reply(e.rawErrno(), "", "restracker: " + Untrusted.escape(e.getMessage()) + " [" + e.errno().label() + "]\n");
            }
            connection.send(Wire.encode(reply), -1);
        } catch (RuntimeException e) {
            // The client went away or sent garbage that did not even get an answer: nothing changed.
        } finally {
            if (fd[0] >= 0) Libc.close(fd[0]);
        }
    }

    /**
     * The named task in this pid namespace: through the pidfd, else the number itself if the caller
     * shares the namespace. An operation that names no pid gets 0, whatever was passed with it.
     */
    private Caller resolve(UnixSocket.Peer peer, Request request, int pidfd) {
        int target = 0;
        if (!request.operation().namesPid()) {
            target = 0;
        } else if (pidfd >= 0) {
            target = Namespaces.pidOfPidfd(pidfd);
        } else if (ownPidNamespace.equals(Namespaces.pidNamespace(Integer.toString(peer.pid())))) {
            target = request.pid();
        }
        return new Caller(peer, request.pid(), target, pidfd);
    }

    /** Stops accepting and serving; what the requests changed stays in the kernel. */
    @Override
    public void close() {
        listener.shutdown();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        listener.close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a leftover socket file is removed by the next daemon
        }
    }
}
