package restracker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import restracker.testing.Child;

/**
 * bpf/syscalls.def, as the jar carries it, names real x86-64 syscalls by their real numbers: those
 * the kernel's UAPI header of this machine (asm/unistd_64.h) has, and the newer ones above its last.
 */
class HookedSyscallsTest {
    private static final Pattern NR = Pattern.compile("^#define __NR_(\\w+) (\\d+)$", Pattern.MULTILINE);

    @Test
    void everyNumberIsTheKernelHeadersOne() {
        Child.Output o = Child.run(new ProcessBuilder("gcc", "-dM", "-E", "-x", "c", "-include", "asm/unistd_64.h", "/dev/null"),
                "gcc -dM -E asm/unistd_64.h", Duration.ofSeconds(60));
        assertEquals(0, o.status(), o.err());
        Map<String, Integer> header = new TreeMap<>();
        for (Matcher m = NR.matcher(o.out()); m.find(); ) header.put(m.group(1), Integer.valueOf(m.group(2)));
        assertTrue(header.size() > 300 && header.get("openat") == 257, "the header's syscalls: " + header);
        int newest = header.values().stream().max(Integer::compare).orElseThrow();
        assertTrue(HookedSyscalls.ALL.size() >= 50, HookedSyscalls.ALL.toString());
        for (var e : HookedSyscalls.ALL.entrySet()) {
            if (header.containsKey(e.getKey())) {
                assertEquals(header.get(e.getKey()), e.getValue(), "the number of " + e.getKey());
            } else {
                assertTrue(e.getValue() > newest && !header.containsValue(e.getValue()),
                        e.getKey() + " (" + e.getValue() + ") is newer than this machine's headers (last " + newest + ")");
            }
        }
    }

    @Test
    void eventsNameHookedAndExecSyscalls() {
        assertEquals("openat", HookedSyscalls.name(257));
        assertEquals("ioctl", HookedSyscalls.name(16));
        assertEquals("close_range", HookedSyscalls.name(436));
        assertEquals("execve", HookedSyscalls.name(59));
        assertEquals("execveat", HookedSyscalls.name(322));
        assertEquals("syscall 999", HookedSyscalls.name(999));
        assertEquals("cap", HookedSyscalls.name(Records.NR_CAP));
        assertEquals("an io_uring completion", HookedSyscalls.name(Records.NR_IO_URING));
        assertTrue(!HookedSyscalls.ALL.containsKey("execve"), "exec has a hook of its own, not a syscall hook");
    }
}
