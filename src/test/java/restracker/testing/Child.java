package restracker.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process a test starts, never waited for without a deadline: its stdout and stderr are drained
 * as they come, each on a thread of its own (so a child that writes a lot to one while the test
 * reads the other never blocks on a full pipe), and every wait — for a line, for its exit — is
 * bounded. A child past its deadline is killed, with what it printed in the failure.
 */
public final class Child implements AutoCloseable {
    /** How a finished child ended, and all it printed. */
    public record Output(int status, String out, String err) {}

    /** How long the pipes may stay open after the child exited (a grandchild may hold them). */
    private static final Duration PIPES_AFTER_EXIT = Duration.ofSeconds(10);
    private static final int SHOWN = 4000;

    private final Process process;
    private final String name;
    private final Drain out;
    private final Drain err;

    private Child(Process process, String name) {
        this.process = process;
        this.name = name;
        this.out = new Drain(process.getInputStream(), name + "-stdout");
        this.err = new Drain(process.getErrorStream(), name + "-stderr");
    }

    /** Starts pb (its stdin left open for {@link #stdin()}); name says who it is in failures. */
    public static Child start(ProcessBuilder pb, String name) {
        try {
            return new Child(pb.start(), name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Starts pb, writes stdin to it and closes it, and waits for its end within the deadline. */
    public static Output run(ProcessBuilder pb, String name, String stdin, Duration within) {
        Child c = start(pb, name);
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (OutputStream in = c.stdin()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // it exited without reading all of it: its status says how it went
            }
        });
        Output o = c.waitFor(within);
        feeder.interrupt();
        return o;
    }

    /** As {@link #run(ProcessBuilder, String, String, Duration)} with nothing on stdin. */
    public static Output run(ProcessBuilder pb, String name, Duration within) {
        return run(pb, name, "", within);
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /**
     * The next line the child writes to stdout (without its end of line), by the deadline; a
     * child that prints none in time (or ends first) is killed and the test fails.
     */
    public String nextLine(Duration within) {
        String line;
        try {
            line = out.lines.poll(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new AssertionError("interrupted waiting for a line from " + name, e);
        }
        if (line == null || line == Drain.END) {
            if (line == Drain.END) out.lines.add(Drain.END);
            kill();
            throw new AssertionError(name + (line == null ? " printed no line within " + within : " ended before its next line")
                    + printed());
        }
        return line;
    }

    /** Waits for the child to exit within the deadline, then for its output to end; kills it and fails past it. */
    public Output waitFor(Duration within) {
        try {
            if (!process.waitFor(within.toNanos(), TimeUnit.NANOSECONDS)) {
                kill();
                throw new AssertionError(name + " did not finish within " + within + " (killed)" + printed());
            }
            if (!out.awaitEnd(PIPES_AFTER_EXIT) || !err.awaitEnd(PIPES_AFTER_EXIT)) {
                throw new AssertionError(name + " exited but its output was still open " + PIPES_AFTER_EXIT
                        + " later (a process it started holds it)" + printed());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new AssertionError("interrupted waiting for " + name, e);
        }
        return new Output(process.exitValue(), out.text(), err.text());
    }

    /** What it printed so far, for a failure message (the ends of long outputs). */
    public String printed() {
        return "; its stdout: " + tail(out.text()) + "; its stderr: " + tail(err.text());
    }

    /** SIGKILL to it and everything it started, and a bounded wait for its end. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, and SIGKILL if it is still there after the grace period; true if it ended of itself on SIGTERM. */
    public boolean stop(Duration grace) {
        process.destroy();
        try {
            if (process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return false;
    }

    /** Kills it if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) kill();
    }

    private static String tail(String s) {
        if (s.isEmpty()) return "(nothing)";
        return s.length() <= SHOWN ? s : "..." + s.substring(s.length() - SHOWN);
    }

    /** One stream read to its end on a thread of its own: kept whole, and cut into lines as they complete. */
    private static final class Drain {
        static final String END = new String("<end>");
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final Thread reader;

        Drain(InputStream in, String name) {
            reader = Thread.ofPlatform().daemon().name(name).start(() -> pump(in));
        }

        private void pump(InputStream in) {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    synchronized (this) {
                        all.write(buf, 0, n);
                        for (int i = 0; i < n; i++) {
                            if (buf[i] != '\n') {
                                line.write(buf[i]);
                                continue;
                            }
                            lines.add(line.toString(StandardCharsets.UTF_8));
                            line.reset();
                        }
                    }
                }
            } catch (IOException e) {
                // the pipe broke (the child was killed): what came so far is all there is
            } finally {
                synchronized (this) {
                    if (line.size() > 0) lines.add(line.toString(StandardCharsets.UTF_8));
                }
                lines.add(END);
            }
        }

        boolean awaitEnd(Duration within) throws InterruptedException {
            return reader.join(within);
        }

        synchronized String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }
}
