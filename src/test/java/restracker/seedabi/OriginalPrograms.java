package restracker.seedabi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import restracker.testing.Child;
import restracker.testing.TempTrees;

/**
 * Programs written for the original kernel interface, compiled by the test from the C in its
 * resources (gcc, as the project builds its other C) into a directory every user may read, so that
 * a test user can run them too.
 */
final class OriginalPrograms implements AutoCloseable {
    /** The original design's own test program, exactly as the design gives it. */
    static final String ORIGINAL_TEST = "original-test";
    /** A client of every call, ioctl and file of the original interface, driven line by line. */
    static final String CLIENT = "original-abi-client";

    private final Path dir;

    private OriginalPrograms(Path dir) {
        this.dir = dir;
    }

    static OriginalPrograms build() {
        try {
            Path dir = Files.createTempDirectory("restracker-original-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            OriginalPrograms p = new OriginalPrograms(dir);
            for (String name : new String[] {ORIGINAL_TEST, CLIENT}) p.compile(name);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void compile(String name) throws IOException {
        Path source = dir.resolve(name + ".c");
        try (InputStream in = OriginalPrograms.class.getResourceAsStream(name + ".c")) {
            Files.copy(in, source);
        }
        // the original program is compiled as it is: no -Werror (its own text has warnings)
        Child.Output o = Child.run(new ProcessBuilder("gcc", "-O1", "-o", path(name).toString(), source.toString())
                .redirectErrorStream(true), "gcc " + name, Duration.ofSeconds(60));
        assertEquals(0, o.status(), "gcc " + name + ": " + o.out());
    }

    Path path(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() {
        TempTrees.delete(dir);
    }
}
