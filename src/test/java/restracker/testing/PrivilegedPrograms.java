package restracker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * Programs that gain privileges at exec, built for a test in a fresh root-owned directory under
 * /tmp (not nosuid here) that every user can read: {@code plain}, a helper that tries setuid(0),
 * opens five files and prints "ok opened N as uid U"; {@code suid}, the same, setuid root;
 * {@code fcaps}, the same with a file capability (cap_net_bind_service) and nothing else; and a
 * copy of the workload any user can exec.
 */
public final class PrivilegedPrograms implements AutoCloseable {
    private static final String HELPER = """
            #include <fcntl.h>
            #include <stdio.h>
            #include <unistd.h>
            int main(void) {
                int root = setuid(0) == 0;
                int n = 0;
                for (int i = 0; i < 5; i++)
                    if (open("/dev/null", O_RDONLY) >= 0) n++;
                printf("ok opened %d as uid %d%s\\n", n, (int)getuid(), root ? "" : " (setuid refused)");
                fflush(stdout);
                return 0;
            }
            """;
    private static final Duration TOOL = Duration.ofSeconds(60);

    private final Path dir;

    private PrivilegedPrograms(Path dir) {
        this.dir = dir;
    }

    public static PrivilegedPrograms build() {
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "rt-privileged-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            PrivilegedPrograms p = new PrivilegedPrograms(dir);
            Files.writeString(dir.resolve("helper.c"), HELPER);
            tool("cc", "-O2", "-o", p.plain().toString(), dir.resolve("helper.c").toString());
            Files.copy(p.plain(), p.suid());
            Files.copy(p.plain(), p.fcaps());
            Files.copy(Workload.binary(), p.workload());
            for (Path f : List.of(p.plain(), p.suid(), p.fcaps(), p.workload())) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            tool("chmod", "4755", p.suid().toString()); // after the copy: root's, setuid
            tool("setcap", "cap_net_bind_service+ep", p.fcaps().toString()); // the uids stay the caller's
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void tool(String... cmd) {
        Child.Output o = Child.run(new ProcessBuilder(cmd).redirectErrorStream(true), String.join(" ", cmd), TOOL);
        if (o.status() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + o.out());
    }

    public Path plain() {
        return dir.resolve("plain");
    }

    public Path suid() {
        return dir.resolve("suid");
    }

    public Path fcaps() {
        return dir.resolve("fcaps");
    }

    public Path workload() {
        return dir.resolve("workload");
    }

    /** A path in the directory, for programs a test makes there itself. */
    public Path resolve(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() {
        TempTrees.delete(dir);
    }
}
