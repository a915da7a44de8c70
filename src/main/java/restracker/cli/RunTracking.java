package restracker.cli;

import java.nio.file.Path;
import java.util.Optional;
import restracker.control.ControlClient;
import restracker.control.Operation;
import restracker.control.Reply;
import restracker.control.Request;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * What `run` asks of the tracker for the program it starts: directly as root, or through the
 * daemon's control socket for other users (the program is theirs, so they may).
 */
interface RunTracking extends AutoCloseable {
    /**
     * Tracks pid with usage counted from its next exec; withChildren: the processes it forks too,
     * each from its fork.
     */
    void register(int pid, boolean withChildren);

    void cap(int pid, Quota quota);

    /** How restracker killed pid ("files quota 1 exceeded (2) at openat()"), if it did. */
    Optional<String> kill(int pid);

    @Override
    void close();

    static RunTracking open(Path pinDir) {
        return ControlClient.needed() ? new Remote(Environment.controlSocket()) : new Local(pinDir);
    }

    /** The daemon answered with a failure: its status, and its message already worded for stderr. */
    final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Reply reply;

        Refused(Reply reply) {
            super(reply.err().strip());
            this.reply = reply;
        }
    }

    final class Local implements RunTracking {
        private final ResourceTracker tracker;

        Local(Path pinDir) {
            tracker = ResourceTracker.open(pinDir, Environment.trackerHooks());
        }

        @Override
        public void register(int pid, boolean withChildren) {
            tracker.register(pid, true, withChildren, restracker.tracker.Actor.ROOT);
        }

        @Override
        public void cap(int pid, Quota quota) {
            tracker.cap(pid, quota, false);
        }

        @Override
        public Optional<String> kill(int pid) {
            return tracker.events().events().stream().filter(e -> e.pid() == pid && e.isKill()).reduce((a, b) -> b)
                    .map(RunCommand::describe);
        }

        @Override
        public void close() {
            try {
                tracker.fitHooks(); // the program has exited: hooks nothing else needs go
            } catch (RuntimeException e) {
                // kept attached until the next change: costs time, never counts wrong
            } finally {
                tracker.close();
            }
        }
    }

    final class Remote implements RunTracking {
        private final Path socket;

        Remote(Path socket) {
            this.socket = socket;
        }

        @Override
        public void register(int pid, boolean withChildren) {
            call(Request.of(Operation.REGISTER, pid).with(Request.FROM_EXEC, true).with(Request.WITH_CHILDREN, withChildren));
        }

        @Override
        public void cap(int pid, Quota quota) {
            call(Request.of(Operation.CAP, pid).withQuota(quota));
        }

        /**
         * The last line of `events --pid PID`: "... killed: <how> [process PID]". None when the
         * daemon cannot say (from another pid namespace a dead pid has no pidfd to name it by).
         */
        @Override
        public Optional<String> kill(int pid) {
            Reply r = ControlClient.call(socket, Request.of(Operation.EVENTS_OF, pid));
            if (r.status() != 0) return Optional.empty();
            return r.out().lines().filter(l -> l.contains(" killed: ")).reduce((a, b) -> b)
                    .map(l -> l.substring(l.indexOf(" killed: ") + 9, l.lastIndexOf(" [")));
        }

        private Reply call(Request request) {
            Reply r = ControlClient.call(socket, request);
            if (r.status() != 0) throw new Refused(r);
            return r;
        }

        @Override
        public void close() {}
    }
}
