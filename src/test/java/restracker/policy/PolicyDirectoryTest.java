package restracker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import restracker.testing.TempTrees;
import restracker.testing.TestUser;

/**
 * A directory of policy files, as an operator or a Kubernetes ConfigMap lays it out, and as another
 * user of the machine would try to slip a policy into it. Runs as root (the daemon's reader).
 */
class PolicyDirectoryTest {
    private Path root;

    private static String set(String... names) {
        StringBuilder b = new StringBuilder("policies:\n");
        for (String n : names) b.append("  - name: ").append(n).append("\n    match: {uid: 4242}\n    files: 10\n");
        return b.toString();
    }

    @BeforeEach
    void tree() throws IOException {
        root = Files.createTempDirectory("restracker-policies-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    @AfterEach
    void removeTree() {
        TempTrees.delete(root);
    }

    private Path dir(String name, int mode) throws IOException {
        Path d = Files.createDirectory(root.resolve(name));
        Files.setAttribute(d, "unix:mode", mode);
        return d;
    }

    private static Path file(Path dir, String name, String text) throws IOException {
        Path f = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        return f;
    }

    private static List<String> names(List<Policy> set) {
        return set.stream().map(Policy::name).toList();
    }

    @Test
    void everyYamlFileInNameOrderAndNothingElse() throws IOException {
        Path d = dir("policies", 0755);
        file(d, "b.yaml", set("b1"));
        file(d, "a.yaml", set("a1", "a2"));
        file(d, "notes.txt", "not a policy file");
        file(d, ".hidden.yaml", set("hidden"));
        Files.createDirectory(d.resolve("sub.yaml.d"));
        assertEquals(List.of("a1", "a2", "b1"), names(PolicyDirectory.read(d)));
    }

    @Test
    void anEmptyDirectoryIsTheEmptySet() throws IOException {
        assertEquals(List.of(), PolicyDirectory.read(dir("policies", 0755)));
    }

    @Test
    void aNameInTwoFilesRefusesTheWholeSetNamingBoth() throws IOException {
        Path d = dir("policies", 0755);
        file(d, "a.yaml", set("same"));
        file(d, "b.yaml", set("same"));
        PolicyFileException e = assertThrows(PolicyFileException.class, () -> PolicyDirectory.read(d));
        assertTrue(e.getMessage().contains("a.yaml") && e.getMessage().contains("b.yaml") && e.getMessage().contains("same"),
                e.getMessage());
    }

    @Test
    void aBadFileRefusesTheWholeSetNamingItsLine() throws IOException {
        Path d = dir("policies", 0755);
        file(d, "a.yaml", set("good"));
        file(d, "b.yaml", "policies:\n  - name: bad\n    match: {uid: 1}\n    files: many\n");
        PolicyFileException e = assertThrows(PolicyFileException.class, () -> PolicyDirectory.read(d));
        assertTrue(e.getMessage().contains("b.yaml line 4"), e.getMessage());
    }

    /** A ConfigMap volume: a sticky, world-writable mount point; root's links into a timestamped directory of root's. */
    @Test
    void aConfigMapMountIsRead() throws IOException {
        Path d = dir("configmap", 01777);
        Path version = Files.createDirectory(d.resolve("..2026_12_01_15_00_00.123"));
        Files.setAttribute(version, "unix:mode", 0755);
        file(version, "fleet.yaml", set("fleet"));
        Files.createSymbolicLink(d.resolve("..data"), version.getFileName());
        Files.createSymbolicLink(d.resolve("fleet.yaml"), Path.of("..data/fleet.yaml"));
        String before = PolicyDirectory.fingerprint(d);
        assertEquals(List.of("fleet"), names(PolicyDirectory.read(d)));

        // The kubelet's update: a new version directory, then ..data swapped to it.
        Path next = Files.createDirectory(d.resolve("..2026_12_01_16_00_00.456"));
        Files.setAttribute(next, "unix:mode", 0755);
        file(next, "fleet.yaml", set("fleet", "fleet2"));
        Files.createSymbolicLink(d.resolve("..data_tmp"), next.getFileName());
        Files.move(d.resolve("..data_tmp"), d.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        assertNotEquals(before, PolicyDirectory.fingerprint(d), "the swap changes the fingerprint");
        assertEquals(List.of("fleet", "fleet2"), names(PolicyDirectory.read(d)));
    }

    @Test
    void aFileAnotherUserWroteIntoAStickyDirectoryIsRefused() throws IOException {
        Path d = dir("shared", 01777);
        file(d, "root.yaml", set("roots"));
        try (TestUser user = TestUser.create()) {
            TestUser.Shell s = user.sh("printf 'policies:\\n  - name: mine\\n    match: {uid: 0}\\n    files: 0\\n' > "
                    + d.resolve("evil.yaml") + " && chmod 644 " + d.resolve("evil.yaml"));
            assertEquals(0, s.status(), s.err());
            PolicyFileException e = assertThrows(PolicyFileException.class, () -> PolicyDirectory.read(d));
            assertTrue(e.getMessage().contains("evil.yaml") && e.getMessage().contains("not root's"), e.getMessage());

            // Nor a link of theirs to a file of root's.
            Files.delete(d.resolve("evil.yaml"));
            s = user.sh("ln -s " + d.resolve("root.yaml") + " " + d.resolve("link.yaml"));
            assertEquals(0, s.status(), s.err());
            e = assertThrows(PolicyFileException.class, () -> PolicyDirectory.read(d));
            assertTrue(e.getMessage().contains("link.yaml") && e.getMessage().contains("not root's"), e.getMessage());
        }
    }

    @Test
    void aFileInADirectoryAnotherUserOwnsIsRefused() throws IOException {
        Path d = dir("policies", 0755);
        try (TestUser user = TestUser.create()) {
            Path theirs = dir("theirs", 0755);
            Path target = file(theirs, "set.yaml", set("theirs"));
            Files.setOwner(theirs, root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user.name()));
            Files.createSymbolicLink(d.resolve("set.yaml"), target);
            PolicyFileException e = assertThrows(PolicyFileException.class, () -> PolicyDirectory.read(d));
            assertTrue(e.getMessage().contains(theirs.toString()) && e.getMessage().contains("not root's"), e.getMessage());
        }
    }

    @Test
    void aFileOrADirectoryOthersMayWriteIsRefused() throws IOException {
        Path d = dir("policies", 0755);
        Path f = file(d, "a.yaml", set("a"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
        PolicyFileException e = assertThrows(PolicyFileException.class, () -> PolicyDirectory.read(d));
        assertTrue(e.getMessage().contains("a.yaml") && e.getMessage().contains("mode 664"), e.getMessage());

        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        e = assertThrows(PolicyFileException.class, () -> PolicyDirectory.read(d));
        assertTrue(e.getMessage().contains(d.toString()) && e.getMessage().contains("mode 777"), e.getMessage());
    }

    @Test
    void aMissingDirectoryIsOneSentence() {
        PolicyFileException e = assertThrows(PolicyFileException.class, () -> PolicyDirectory.read(root.resolve("absent")));
        assertTrue(e.getMessage().startsWith("cannot read the policy directory " + root.resolve("absent")), e.getMessage());
    }
}
