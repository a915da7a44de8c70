package restracker.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The syscalls after which the tracker recounts usage: every x86-64 syscall that can change
 * mm->data_vm or mm->stack_vm or create or close file descriptors. Each gets on_enter/on_exit on
 * its sys_enter_/sys_exit_ tracepoint (or fentry_NAME/fexit_NAME); one missing from the running
 * kernel is skipped and reported.
 *
 * <p>The list is bpf/syscalls.def, which tracker.bpf.c is built from (its fentry/fexit programs and
 * the figures each syscall recounts) and which the jar carries as /bpf/syscalls.def: read here once.
 */
public final class HookedSyscalls {
    /** The syscalls list the tracker is built from, inside the jar. */
    static final String RESOURCE = "/bpf/syscalls.def";

    /** name -> x86-64 syscall number, in syscalls.def's order. */
    public static final Map<String, Integer> ALL;

    /**
     * name -> x86-64 syscall number of the syscalls that change the real uid (UID_SYSCALL lines):
     * hooked at their exit only, so that a uid policy matches a process that changes uid without
     * an exec.
     */
    public static final Map<String, Integer> UID_CHANGES;

    private static final Map<Integer, String> BY_NUMBER;

    private static final Pattern COMMENT = Pattern.compile("(?s)/\\*.*?\\*/");
    private static final Pattern HOOKED = Pattern.compile("HOOKED_SYSCALL\\((\\w+), (\\d+), (HEAP|FILES|BOTH)\\)");
    private static final Pattern EVENT = Pattern.compile("EVENT_SYSCALL\\((\\w+), (\\d+)\\)");
    private static final Pattern UID = Pattern.compile("UID_SYSCALL\\((\\w+), (\\d+)\\)");

    static {
        Map<String, Integer> all = new LinkedHashMap<>();
        Map<String, Integer> uidChanges = new LinkedHashMap<>();
        Map<Integer, String> byNumber = new LinkedHashMap<>();
        String text = read();
        int lineNumber = 0;
        for (String line : COMMENT.matcher(text).replaceAll(m -> "\n".repeat(newlines(m.group()))).split("\n", -1)) {
            lineNumber++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            Matcher h = HOOKED.matcher(l), e = EVENT.matcher(l), u = UID.matcher(l);
            if (h.matches()) {
                all.put(h.group(1), Integer.valueOf(h.group(2)));
                byNumber.put(Integer.valueOf(h.group(2)), h.group(1));
            } else if (e.matches()) {
                byNumber.put(Integer.valueOf(e.group(2)), e.group(1));
            } else if (u.matches()) {
                uidChanges.put(u.group(1), Integer.valueOf(u.group(2)));
                byNumber.put(Integer.valueOf(u.group(2)), u.group(1));
            } else {
                throw new IllegalStateException(RESOURCE + " line " + lineNumber + " is neither HOOKED_SYSCALL(name, nr, figures),"
                        + " EVENT_SYSCALL(name, nr) nor UID_SYSCALL(name, nr): " + l);
            }
        }
        ALL = Collections.unmodifiableMap(all);
        UID_CHANGES = Collections.unmodifiableMap(uidChanges);
        BY_NUMBER = Collections.unmodifiableMap(byNumber);
    }

    private HookedSyscalls() {}

    /**
     * The name of an x86-64 syscall number seen in an event, e.g. "openat" or "syscall 999"; "cap"
     * for a kill by `cap` itself, "an io_uring completion" for one posted by io_uring's SQPOLL thread
     * or a worker.
     */
    public static String name(int number) {
        if (number == Records.NR_IO_URING) return "an io_uring completion";
        if (number < 0) return "cap";
        return BY_NUMBER.getOrDefault(number, "syscall " + number);
    }

    private static String read() {
        try (InputStream in = HookedSyscalls.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the jar: the build copies bpf/syscalls.def there");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    private static int newlines(String s) {
        return (int) s.chars().filter(c -> c == '\n').count();
    }
}
