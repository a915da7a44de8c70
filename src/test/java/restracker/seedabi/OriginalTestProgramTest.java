package restracker.seedabi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import restracker.kernel.PinnedState;
import restracker.testing.Cli;
import restracker.testing.TestKernel;

/**
 * The original design's own test program, unmodified, under `run --seed-abi`: it registers
 * itself, caps itself at 40 MB and 1 file, maps 20 MB, opens /bin/dummy_1 and /bin/dummy_2, fetches
 * its figures twice and deregisters. With both files there, its second open crosses the file
 * quota and it is SIGKILLed there; without them both opens fail and it prints its figures.
 */
class OriginalTestProgramTest {
    private static final List<Path> DUMMIES = List.of(Path.of("/bin/dummy_1"), Path.of("/bin/dummy_2"));
    private static Path dir;
    private static OriginalPrograms programs;

    @BeforeAll
    static void build() {
        TestKernel.requireBpf();
        dir = TestKernel.pinDir(OriginalTestProgramTest.class);
        PinnedState.unload(dir);
        programs = OriginalPrograms.build();
    }

    @AfterAll
    static void clean() throws Exception {
        for (Path p : DUMMIES) Files.deleteIfExists(p);
        if (programs != null) programs.close();
        if (dir != null) PinnedState.unload(dir);
    }

    private static Cli.Result runOriginal() throws Exception {
        return Cli.run(dir, "", "run", "--seed-abi", "--", programs.path(OriginalPrograms.ORIGINAL_TEST).toString());
    }

    @Test
    void withoutTheFilesItPrintsItsFiguresAndDeregisters() throws Exception {
        for (Path p : DUMMIES) assertFalse(Files.exists(p), p + " is there before the test made it");
        Cli.Result r = runOriginal();
        assertEquals(0, r.status(), r.out() + r.err());
        Matcher m = Pattern.compile("\\ATesting resource tracker for PID: (\\d+)\n").matcher(r.out());
        assertTrue(m.find(), r.out());
        String pid = m.group(1);
        // by hand: 20 MB mapped after registering, both opens failed, the quotas as the program passed them
        String stats = "Fetched stats: PID: " + pid + ", Heap: 20, Files: 0, Heap Quota: 40, File Quota: 1\n";
        assertEquals("Testing resource tracker for PID: " + pid + "\n"
                + "Process registered successfully.\n"
                + "Resource quotas set successfully (heap: 40, files: 1).\n"
                + stats + stats
                + "Process deregistered successfully.\n", r.out());
        assertEquals("open failed: No such file or directory\n".repeat(2), r.err());
    }

    @Test
    void withTheFilesItIsKilledAtItsSecondOpen() throws Exception {
        try {
            for (Path p : DUMMIES) Files.createFile(p);
            Cli.Result r = runOriginal();
            assertEquals(128 + 9, r.status(), r.out() + r.err());
            assertFalse(r.err().contains("open failed"), r.err()); // the first open succeeded
            assertTrue(r.err().contains(") was killed: files quota 1 exceeded (2) at openat()\n"), r.err());
        } finally {
            for (Path p : DUMMIES) Files.deleteIfExists(p);
        }
    }
}
