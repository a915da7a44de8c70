package restracker.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import restracker.policy.Policy;
import restracker.testing.TempTrees;

/**
 * The daemon's reloads of a policy directory: at start, after each change, never a bad set. The
 * sets applied are recorded as the target received them (the kernel side has tests of its own).
 */
class PolicyReloadsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private Path dir;
    private final List<List<String>> applied = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream logStream = new PrintStream(log, true, StandardCharsets.UTF_8);

    @BeforeEach
    void directory() throws IOException {
        dir = Files.createTempDirectory("restracker-reloads-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    @AfterEach
    void remove() {
        TempTrees.delete(dir);
    }

    private void write(String file, String... names) throws IOException {
        StringBuilder b = new StringBuilder("policies:\n");
        for (String n : names) b.append("  - name: ").append(n).append("\n    match: {uid: 4242}\n    files: 10\n");
        writeText(file, b.toString());
    }

    /** As an operator's editor or a deployment tool does: a whole new file renamed into place. */
    private void writeText(String file, String text) throws IOException {
        Path tmp = Files.writeString(dir.resolve("." + file + ".tmp"), text);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, dir.resolve(file), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private PolicyReloads start() {
        return PolicyReloads.start(dir, set -> {
            applied.add(set.stream().map(Policy::name).toList());
            return List.of();
        }, logStream);
    }

    private void await(String what, BooleanSupplier condition, PolicyReloads r) throws InterruptedException {
        Instant end = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(end), () -> "within " + DEADLINE + ": " + what + "; applied " + applied + ", "
                    + r.status() + ", log: " + log.toString(StandardCharsets.UTF_8));
            Thread.sleep(20);
        }
    }

    @Test
    void theSetIsAppliedAtStartAndAfterEachChange() throws Exception {
        write("a.yaml", "one");
        try (PolicyReloads r = start()) {
            assertEquals(List.of(List.of("one")), applied, "applied before start returns");
            write("b.yaml", "two");
            // the status is set after the target returns: wait for it, not for the target's record
            await("the added file applied", () -> r.status().applied() == 2, r);
            assertEquals(List.of("one", "two"), applied.get(1));
            Files.delete(dir.resolve("a.yaml"));
            await("the removal applied", () -> r.status().applied() == 3, r);
            assertEquals(List.of("two"), applied.get(2));
            assertEquals(3, r.status().applied());
            assertEquals(0, r.status().failed());
        }
    }

    @Test
    void aBadSetChangesNothingAndIsReportedUntilFixed() throws Exception {
        write("a.yaml", "one");
        try (PolicyReloads r = start()) {
            writeText("b.yaml", "policies:\n  - name: broken\n");
            await("the bad set counted as failed", () -> r.status().failed() == 1, r);
            assertEquals(List.of(List.of("one")), applied, "the target never saw the bad set");
            assertTrue(r.status().lastFailed());
            assertTrue(r.status().lastError().orElseThrow().contains("b.yaml"), r.status().lastError().orElseThrow());
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("were not applied (the kernel keeps the 1 applied before)"),
                    log.toString(StandardCharsets.UTF_8));

            write("b.yaml", "two");
            await("the fixed set applied", () -> r.status().applied() == 2, r);
            assertEquals(List.of("one", "two"), applied.get(1));
            assertTrue(!r.status().lastFailed() && r.status().policies() == 2, r.status().toString());
        }
    }

    @Test
    void aTargetThatRefusesTheSetIsAFailedReload() throws Exception {
        write("a.yaml", "one");
        try (PolicyReloads r = PolicyReloads.start(dir, set -> {
            throw new IllegalArgumentException("policy one: no such file /opt/app (ENOENT)");
        }, logStream)) {
            assertEquals(1, r.status().failed());
            assertEquals("policy one: no such file /opt/app (ENOENT)", r.status().lastError().orElseThrow());
        }
    }

    @Test
    void nothingChangedIsNotReapplied() throws Exception {
        write("a.yaml", "one");
        try (PolicyReloads r = start()) {
            Files.writeString(dir.resolve("notes.txt"), "not a policy file");
            Thread.sleep(PolicyReloads.POLL.toMillis() * 2);
            assertEquals(1, applied.size(), "an unrelated file changes nothing: " + applied);
        }
    }
}
