package restracker.seedabi;

import restracker.control.Reply;
import restracker.control.Request;

/**
 * Who performs the operations a supervised program asks for: restracker itself (root), or the
 * daemon through its control socket (another user, whose rights the daemon checks). Either way
 * the answer is a command's: status 0 or the errno, and what it printed.
 */
@FunctionalInterface
public interface Backend {
    Reply perform(Request request);
}
