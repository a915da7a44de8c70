package restracker.tracker;

import restracker.kernel.Records;

/** What a registration tracks: a whole process (its leader's pid) or one thread (a tid). */
public enum Scope {
    PROCESS, THREAD;

    static Scope of(int code) {
        return code == Records.SCOPE_THREAD ? THREAD : PROCESS;
    }

    int code() {
        return this == THREAD ? Records.SCOPE_THREAD : Records.SCOPE_PROCESS;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
