package restracker.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The BPF object files the jar carries under {@code /bpf/}, compiled by the build from bpf/*.bpf.c. */
public final class ObjectFiles {
    private ObjectFiles() {}

    /** The bytes of bpf/name; IllegalStateException when the jar lacks it (a broken build). */
    public static byte[] read(String name) {
        try (InputStream in = ObjectFiles.class.getResourceAsStream("/bpf/" + name)) {
            if (in == null) throw new IllegalStateException("the jar carries no bpf/" + name + ": rebuild restracker");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bpf/" + name + " from the jar", e);
        }
    }
}
