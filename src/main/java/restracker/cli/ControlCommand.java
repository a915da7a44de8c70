package restracker.cli;

import restracker.control.Request;

/**
 * A command that stands for one typed {@link Request}: root's CLI performs it in place
 * ({@link Operations#runHere}); a user without root sends it to the daemon's control socket
 * ({@link Forwarding}), which performs the same request through the same code
 * ({@link ControlHandler}). Its command line is parsed only here, in the caller's own process.
 */
interface ControlCommand {
    /** The request this command line stands for; a usage error is a picocli ParameterException. */
    Request request();
}
