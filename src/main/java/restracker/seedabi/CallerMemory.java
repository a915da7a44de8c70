package restracker.seedabi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import restracker.sys.SeccompListener;

/**
 * The memory of a thread stopped in a call. Writes go through /proc/TID/mem, opened first and the
 * call's id checked after: an open /proc/TID/mem stays bound to the address space it was opened
 * on, so once the id is still valid, every write goes to that very caller even if it dies and its
 * tid is reused later. Reads (a path) are checked after they are made.
 */
final class CallerMemory implements AutoCloseable {
    private static final int PATH_MAX = 4096;
    private final FileChannel mem;
    private final Path maps;

    private CallerMemory(FileChannel mem, Path maps) {
        this.mem = mem;
        this.maps = maps;
    }

    /** The caller's memory to write, or empty when the call no longer waits (or its memory cannot be opened). */
    static Optional<CallerMemory> openForWriting(SeccompListener listener, SeccompListener.Notification n) {
        FileChannel ch;
        try {
            Path p = Path.of("/proc", Integer.toString(n.pid()), "mem");
            ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (!listener.stillWaiting(n.id())) {
            close(ch);
            return Optional.empty();
        }
        return Optional.of(new CallerMemory(ch, Path.of("/proc", Integer.toString(n.pid()), "maps")));
    }

    /**
     * The NUL-terminated string at address in the memory of thread tid (at most PATH_MAX bytes), or
     * empty when it cannot be read. process_vm_readv reads whatever task has the tid now: the caller
     * checks afterwards that its call still waits (then the tid was the caller's all along).
     */
    static Optional<String> string(int tid, long address) {
        if (address == 0) return Optional.empty();
        byte[] out = new byte[PATH_MAX];
        int have = 0;
        long at = address;
        while (have < PATH_MAX) {
            // up to the end of the page: the next one may not be mapped
            byte[] chunk = new byte[(int) Math.min(PATH_MAX - have, 4096 - (at & 4095))];
            int got = restracker.sys.ProcessMemory.read(tid, at, chunk);
            if (got <= 0) return Optional.empty();
            for (int i = 0; i < got; i++) {
                if (chunk[i] == 0) return Optional.of(new String(out, 0, have, StandardCharsets.UTF_8));
                out[have++] = chunk[i];
            }
            at += got;
        }
        return Optional.empty(); // longer than PATH_MAX: the kernel would refuse it too
    }

    /**
     * Whether the caller itself may write length bytes at address (its mappings there are writable).
     * /proc/TID/mem writes even where the caller may not, as a debugger does: this check comes
     * first. (The caller may change its mappings meanwhile: then it finds its own page written.)
     */
    boolean writable(long address, int length) {
        long end = address + length;
        long at = address;
        try {
            for (String line : java.nio.file.Files.readAllLines(maps)) {
                String[] f = line.split(" ", 3);
                int dash = f[0].indexOf('-');
                long from = Long.parseUnsignedLong(f[0], 0, dash, 16), to = Long.parseUnsignedLong(f[0], dash + 1, f[0].length(), 16);
                if (from <= at && at < to) {
                    if (f[1].charAt(1) != 'w') return false;
                    at = to;
                    if (at >= end) return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Writes bytes at address; false when the caller's memory cannot be written there. */
    boolean write(long address, byte[] bytes) {
        if (address == 0) return false;
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                if (mem.write(b, address + b.position()) <= 0) return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        close(mem);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing was buffered
        }
    }
}
