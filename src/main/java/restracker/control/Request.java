package restracker.control;

import java.util.List;

/**
 * One call through the control socket: a restracker command line, run by the daemon on the
 * caller's behalf, and the pid that command line names (in the caller's pid namespace; 0 when it
 * names none). A pidfd for that pid travels with the request when the caller could open one.
 */
public record Request(int pid, List<String> argv) {
    public Request {
        argv = List.copyOf(argv);
    }
}
