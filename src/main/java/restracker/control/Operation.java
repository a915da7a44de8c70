package restracker.control;

import java.util.Optional;

/**
 * What a control request asks the daemon to do: the commands a user other than root runs through
 * the control socket, each with its code on the wire, whether it names a pid, the flags it takes,
 * and whether it changes anything (then the caller must own the task it names).
 */
public enum Operation {
    REGISTER(1, true, Request.FROM_EXEC | Request.WITH_CHILDREN, "register"),
    FETCH(2, true, Request.JSON, null),
    DEREGISTER(3, true, 0, "deregister"),
    CAP(4, true, Request.REPLACE, "cap"),
    RESET(5, true, 0, "reset"),
    /** The whole kill log. */
    EVENTS(6, false, Request.JSON, null),
    /** The kills of one process (`events --pid PID`, and how `run` learns why its program died). */
    EVENTS_OF(7, true, Request.JSON, null),
    STATUS(8, false, 0, null),
    TRACER_ADD(9, true, 0, "trace"),
    TRACER_REMOVE(10, true, 0, "stop tracing"),
    TRACER_SHOW(11, false, Request.JSON, null);

    private final int code;
    private final boolean namesPid;
    private final int flags;
    private final String change;

    Operation(int code, boolean namesPid, int flags, String change) {
        this.code = code;
        this.namesPid = namesPid;
        this.flags = flags;
        this.change = change;
    }

    public int code() {
        return code;
    }

    /** Whether the request's pid field names a task (else it must be 0). */
    public boolean namesPid() {
        return namesPid;
    }

    /** The flag bits ({@link Request#JSON}, ...) this operation takes; others are malformed. */
    public int flags() {
        return flags;
    }

    /** What it does to its task, for a refusal ("cap"), or null when it only reads. */
    public String change() {
        return change;
    }

    public static Optional<Operation> of(int code) {
        for (Operation o : values()) {
            if (o.code == code) return Optional.of(o);
        }
        return Optional.empty();
    }
}
