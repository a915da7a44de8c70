package restracker.policy;

/** What a policy does when a process it holds crosses a quota. */
public enum Mode {
    /** SIGKILL at the crossing, as a quota set with {@code cap} does. */
    ENFORCE,
    /** An event at the first crossing of each quota; nothing is killed. */
    AUDIT;

    /** The word a policy file uses. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
