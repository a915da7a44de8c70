package restracker.seedabi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import restracker.testing.Child;

/**
 * As {@link ClientSession}, with the client's stdin a FIFO and its stdout a file instead of pipes
 * of the JVM that runs it: the client can be talked to after that JVM is killed (a dead child's
 * pipes are closed by the Process that started it).
 */
final class DetachedSession implements AutoCloseable {
    private final Path dir;
    private final Path out;
    private final FileChannel in;
    private final Process process;
    private long read;

    private DetachedSession(Path dir, Path out, FileChannel in, Process process) {
        this.dir = dir;
        this.out = out;
        this.in = in;
        this.process = process;
    }

    static DetachedSession start(ProcessBuilder pb) throws IOException {
        Path dir = Files.createTempDirectory("restracker-session-");
        Path fifo = dir.resolve("in"), out = dir.resolve("out");
        Child.Output made = Child.run(new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true), "mkfifo",
                Duration.ofSeconds(10));
        if (made.status() != 0) throw new IOException("mkfifo: " + made.out());
        // read-write: opening it never waits for the other end
        FileChannel in = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Process p = pb.redirectInput(fifo.toFile()).redirectOutput(out.toFile()).redirectError(dir.resolve("err").toFile()).start();
        return new DetachedSession(dir, out, in, p);
    }

    long pid() {
        return process.pid();
    }

    void send(String command) {
        try {
            ByteBuffer b = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) in.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line of the client's stdout, within 30 s. */
    String nextLine() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + ClientSession.ANSWER.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] all = Files.readAllBytes(out);
            for (int i = (int) read; i < all.length; i++) {
                if (all[i] == '\n') {
                    String line = new String(all, (int) read, i - (int) read, StandardCharsets.UTF_8);
                    read = i + 1;
                    return line;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no line from the client within " + ClientSession.ANSWER + "; its stdout: "
                + Files.readString(out) + "; stderr: " + Files.readString(dir.resolve("err")));
    }

    String ask(String command) throws IOException, InterruptedException {
        send(command);
        return nextLine();
    }

    @Override
    public void close() throws IOException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        in.close();
        for (String f : List.of("in", "out", "err")) Files.deleteIfExists(dir.resolve(f));
        Files.deleteIfExists(dir);
    }
}
