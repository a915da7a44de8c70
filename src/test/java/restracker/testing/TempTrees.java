package restracker.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A test's temporary directories, removed with all they hold. */
public final class TempTrees {
    private TempTrees() {}

    /** Deletes dir and everything below it, deepest first; what cannot be deleted is left behind. */
    public static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // gone already, or unreadable: left behind
        }
    }
}
