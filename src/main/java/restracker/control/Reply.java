package restracker.control;

/** What the daemon answers: the command's exit status and what it printed. */
public record Reply(int status, String out, String err) {}
