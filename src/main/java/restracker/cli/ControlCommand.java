package restracker.cli;

/**
 * A command that a user without root runs through the daemon's control socket, transparently: the
 * CLI sends its command line, the daemon runs it as root on the caller's behalf (see
 * {@link ControlHandler}) and sends back the exit status and output.
 */
interface ControlCommand {
    /** The pid named on the command line (the caller's pid namespace), or 0 when none is. */
    default int target() {
        return 0;
    }

    /** Makes the command act on the same task as the daemon's pid namespace numbers it. */
    default void retarget(int pid) {}

    /** What the command does to its target, for a refusal ("register"), or null when it changes nothing. */
    default String change() {
        return null;
    }
}
