package restracker.seedabi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import restracker.sys.Libc;

/**
 * The files a supervised program opens in place of /dev/tracer and /proc/tracer. /dev/tracer is one
 * empty anonymous file, the same for every open, so that an ioctl can tell it apart from any
 * other descriptor by its inode. /proc/tracer is a new anonymous file per open holding the table
 * as it was at that open, given read-only at offset 0.
 */
final class TracerFiles implements AutoCloseable {
    private final int device;
    private final Object deviceKey;

    TracerFiles() {
        device = Libc.memfdCreate("restracker:/dev/tracer");
        deviceKey = key(Path.of("/proc/self/fd", Integer.toString(device))).orElseThrow(
                () -> new IllegalStateException("cannot stat the anonymous file of /dev/tracer"));
    }

    /** This process's descriptor of the device file (to be copied into a caller). */
    int device() {
        return device;
    }

    /** Whether descriptor fd of thread tid is the device file. */
    boolean isDevice(int tid, int fd) {
        return fd >= 0 && key(Path.of("/proc", Integer.toString(tid), "fd", Integer.toString(fd))).map(deviceKey::equals).orElse(false);
    }

    /** A read-only descriptor of a new anonymous file holding table; the caller closes it. */
    static int table(String table) {
        int memfd = Libc.memfdCreate("restracker:/proc/tracer");
        try {
            Path self = Path.of("/proc/self/fd", Integer.toString(memfd));
            try (FileChannel ch = FileChannel.open(self, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(table.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) ch.write(b);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write the tracer table", e);
            }
            return Libc.openReadOnly(self.toString()); // a new open file: read-only, at offset 0
        } finally {
            Libc.close(memfd);
        }
    }

    /** The file's device and inode, through the /proc/.../fd link; empty when it cannot be read. */
    private static Optional<Object> key(Path fdLink) {
        try {
            Map<String, Object> a = Files.readAttributes(fdLink, "unix:dev,ino");
            return Optional.of(a.get("dev") + ":" + a.get("ino"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        Libc.close(device);
    }
}
