package restracker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import restracker.testing.Cli;
import restracker.testing.TestKernel;
import restracker.testing.TestUser;
import restracker.tracker.ResourceTracker;
import restracker.tracker.TrackerHooks;

/**
 * A symbolic link in the pin directory, put there (or swapped in for a subdirectory while root's
 * unload walks the tree) to lead root's removal of the pins to a directory outside: root must
 * never delete anything outside the pin directory. The victim is a root-only directory of files.
 */
class PinDirSymlinkTest {
    private static final Blueprint BP = ResourceTracker.blueprint(List.of(TrackerHooks.TRACEPOINT));
    private static final int FILES = 2000;
    private static TestUser user;
    private Path pin;
    private Path victim;

    @BeforeAll
    static void createUser() {
        TestKernel.requireBpf();
        user = TestUser.create();
    }

    @AfterAll
    static void removeUser() {
        if (user != null) user.close();
    }

    @BeforeEach
    void fresh() throws Exception {
        pin = TestKernel.pinDir(PinDirSymlinkTest.class);
        TestKernel.removeByHand(pin);
        victim = Files.createTempDirectory("restracker-victim-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (int i = 0; i < FILES; i++) Files.writeString(victim.resolve("f" + i), "precious " + i);
    }

    @AfterEach
    void cleanUp() throws Exception {
        TestKernel.removeByHand(pin);
        TestKernel.removeByHand(victim);
    }

    private long victimFiles() throws Exception {
        try (Stream<Path> s = Files.list(victim)) {
            return s.count();
        }
    }

    /**
     * The user's pin directory holds d/ with FILES empty subdirectories named as the victim's files.
     * A watcher of the user's waits (for up to 30 s) until root has removed the first of them (d's
     * link count drops), then swaps d for a link to the victim: walking by path, root goes on to
     * delete victim/f<i> for each d/f<i> it listed.
     */
    @Test
    void aSubdirectorySwappedForALinkDuringUnloadLeadsRootNowhere() throws Exception {
        Path d = pin.resolve("tracker").resolve("d");
        String swap = "cd " + pin.resolve("tracker") + " && exec perl -e 'my $t = time + 30;"
                + " while ((stat \"d\")[3] == " + (FILES + 2) + " && time < $t) { }"
                + " rename \"d\", \"dreal\"; symlink \"" + victim + "\", \"d\";'";
        List<String> outcomes = new ArrayList<>();
        for (int attempt = 0; attempt < 3 && victimFiles() == FILES; attempt++) {
            TestKernel.removeByHand(pin);
            TestUser.Shell made = user.sh("mkdir -p " + d + " && cd " + d + " && mkdir $(seq -f f%.0f 0 " + (FILES - 1) + ")");
            assertEquals(0, made.status(), made.err());
            Process swapper = user.background(swap);
            try {
                Thread.sleep(200); // the watcher is polling
                PinnedState.unload(pin);
                outcomes.add("unloaded");
            } catch (StateException e) {
                assertEquals(restracker.sys.Errno.EACCES, e.errno(), e.getMessage());
                assertTrue(e.getMessage().contains(pin.toString()) && e.getMessage().contains(user.name()), e.getMessage());
                outcomes.add("refused");
            } catch (RuntimeException e) {
                outcomes.add(e + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            } finally {
                swapper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertEquals(FILES, victimFiles(), "root deleted files under the link's target; unloads: " + outcomes);
        assertTrue(outcomes.stream().allMatch("refused"::equals), "a pin directory the user owns is refused: " + outcomes);
    }

    @Test
    void aLinkUnderRootsPinDirectoryIsRefusedByUnloadAndItsTargetSurvives() throws Exception {
        PinnedState.openOrLoad(pin, BP).close();
        Path link = pin.resolve("tracker").resolve("links").resolve("planted");
        Files.createSymbolicLink(link, victim);
        Cli.Result r = Cli.run(pin, "", "unload");
        assertEquals(13, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(link.toString()) && r.err().contains("symbolic link")
                && r.err().endsWith("[EACCES (13)]\n"), r.err());
        assertEquals(FILES, victimFiles());
        assertTrue(Files.isDirectory(pin.resolve("tracker")), "nothing was removed");

        Files.delete(link); // what the sentence asks the operator to do
        assertEquals(0, Cli.run(pin, "", "unload").status());
        assertTrue(Files.notExists(pin));
        assertEquals(FILES, victimFiles());
    }

    @Test
    void aSubdirectoryReplacedByALinkIsRefusedByLoadAndItsTargetSurvives() throws Exception {
        PinnedState.openOrLoad(pin, BP).close();
        Path links = pin.resolve("tracker").resolve("links");
        Files.move(links, pin.resolve("linksreal"));
        Files.createSymbolicLink(links, victim);
        StateException e = org.junit.jupiter.api.Assertions.assertThrows(StateException.class,
                () -> PinnedState.openOrLoad(pin, BP));
        assertEquals(restracker.sys.Errno.EACCES, e.errno());
        assertTrue(e.getMessage().contains(links.toString()) && e.getMessage().contains("symbolic link"), e.getMessage());
        assertEquals(FILES, victimFiles());
    }

    /** The removal itself, by directory descriptor: a link in the tree is removed, what it points to is not. */
    @Test
    void removalRemovesLinksNeverWhatTheyPointTo() throws Exception {
        Path tree = Files.createTempDirectory("restracker-tree-");
        try {
            Files.createDirectories(tree.resolve("a").resolve("b"));
            Files.writeString(tree.resolve("a").resolve("b").resolve("file"), "x");
            Files.createSymbolicLink(tree.resolve("a").resolve("link"), victim);
            Files.createSymbolicLink(tree.resolve("top"), victim);
            Files.createSymbolicLink(tree.resolve("a").resolve("b").resolve("f1"), victim.resolve("f1"));
            Files.createDirectory(tree.resolve("c"));
            PinDir.removeContents(tree);
            try (Stream<Path> left = Files.list(tree)) {
                assertEquals(List.of(), left.toList());
            }
            assertEquals(FILES, victimFiles());
            assertEquals("precious 1", Files.readString(victim.resolve("f1")));
        } finally {
            TestKernel.removeByHand(tree);
        }
    }
}
