package restracker.policy;

/** A policy file that cannot be applied: one sentence naming the file, the line and the problem. */
public final class PolicyFileException extends IllegalArgumentException {
    public PolicyFileException(String message) {
        super(message);
    }
}
