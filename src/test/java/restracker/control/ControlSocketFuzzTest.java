package restracker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import restracker.cli.ControlHandler;
import restracker.sys.UnixSocket;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.EntityStats;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * The control socket under random input, property-based: arbitrary bytes, old-style frames that
 * lie about their length, typed frames with every field at its edges and beyond, and frames naming
 * files, FIFOs and directories. Every answer comes within a deadline and is a reply with a
 * documented status and, for a failure, one sentence naming its errno, or a closed connection; no
 * answer holds a named file's content; the tracked process that no request names keeps its entry
 * and quotas; the server keeps serving.
 */
class ControlSocketFuzzTest {
    private static final Set<Integer> DOCUMENTED = Set.of(0, 1, 3, 19, 22, 23, 28, 95);
    private static final Quota QUOTA = new Quota(1L << 30, 100);
    private static ResourceTracker tracker;
    private static Workload kept, spare;
    private static Path dir, secretDir, secret, fifo;
    private static final String MARKER = "restracker-fuzz-secret-" + java.util.UUID.randomUUID();
    private static final java.time.Duration DEADLINE = java.time.Duration.ofSeconds(10);
    private static ControlServer server;

    @BeforeContainer
    static void start() throws Exception {
        tracker = TestKernel.tracker(ControlSocketFuzzTest.class);
        kept = Workload.start();
        spare = Workload.start();
        tracker.register(kept.pid());
        tracker.cap(kept.pid(), QUOTA, false);
        dir = Files.createTempDirectory("restracker-fuzz-");
        secretDir = Files.createTempDirectory("restracker-fuzz-secret-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        secret = secretDir.resolve("secret");
        Files.writeString(secret, MARKER + "\n");
        fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        server = ControlServer.start(dir.resolve("control.sock"), Optional.empty(),
                new ControlHandler(TestKernel.pinDir(ControlSocketFuzzTest.class)));
    }

    @AfterContainer
    static void stop() throws Exception {
        if (server != null) server.close();
        if (kept != null) kept.close();
        if (spare != null) spare.close();
        TestKernel.unload(ControlSocketFuzzTest.class, tracker);
        if (secret != null) Files.deleteIfExists(secret);
        if (secretDir != null) Files.deleteIfExists(secretDir);
        if (fifo != null) Files.deleteIfExists(fifo);
        if (dir != null) Files.deleteIfExists(dir);
    }

    @Property(tries = 150)
    void arbitraryBytesGetAnErrorOrAClosedConnection(@ForAll("frames") byte[] frame) {
        check(exchange(frame));
    }

    @Property(tries = 250)
    void typedRequestsGetADocumentedAnswer(@ForAll("requests") byte[] frame) {
        check(exchange(frame));
    }

    /**
     * Old-style frames (command lines) and typed frames with bytes after them, naming a file only
     * root can read, a FIFO nobody writes, a directory: each gets EINVAL at once (no read of the file,
     * no wait on the FIFO), and no answer holds the file's content.
     */
    @Property(tries = 100)
    void framesNamingFilesGetEinvalAndNothingOfTheFile(@ForAll("namingFiles") byte[] frame) {
        byte[] reply = exchange(frame);
        assertFalse(new String(reply, StandardCharsets.ISO_8859_1).contains(MARKER), "the secret stays secret");
        assertTrue(reply.length > 0, "an answer, not a closed connection");
        assertEquals(22, ByteBuffer.wrap(reply).getInt(4), new String(reply, StandardCharsets.UTF_8));
        check(reply);
    }

    /** Random bytes; some behind RTC2's magic, some behind RTC1's with a length that may lie. */
    @Provide
    Arbitrary<byte[]> frames() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> old = Arbitraries.integers().between(-5, 70_000).flatMap(length -> raw.map(body ->
                ByteBuffer.allocate(8 + body.length).put("RTC1".getBytes(StandardCharsets.US_ASCII)).putInt(length)
                        .put(body).array()));
        Arbitrary<byte[]> typed = raw.map(body -> ByteBuffer.allocate(4 + body.length)
                .put("RTC2".getBytes(StandardCharsets.US_ASCII)).put(body).array());
        return Arbitraries.oneOf(raw, old, typed);
    }

    /**
     * RTC2 frames: a valid request (any operation, its own flags, a pid for an operation that names
     * one, quotas for cap) with, half the time, one field replaced by a value from its edges and
     * beyond, and at times a byte too few or too many; the kept process is never named. Pids name
     * no process, init (which cannot be capped), or the spare process.
     */
    @Provide
    Arbitrary<byte[]> requests() {
        Arbitrary<Operation> op = Arbitraries.of(Operation.class);
        Arbitrary<Integer> flagBits = Arbitraries.integers().between(0, 7);
        Arbitrary<Integer> pid = Arbitraries.oneOf(Arbitraries.of(0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 4194305),
                Arbitraries.just(spare.pid()), Arbitraries.just(spare.pid()), Arbitraries.integers().greaterOrEqual(4194305));
        Arbitrary<Long> quota = Arbitraries.oneOf(Arbitraries.of(-1L, 0L, 1L, 1L << 30, Long.MAX_VALUE),
                Arbitraries.longs().greaterOrEqual(-1));
        Arbitrary<Integer> field = Arbitraries.integers().between(-6, 4); // negative: leave the request valid
        Arbitrary<Long> wild = Arbitraries.oneOf(Arbitraries.of(-2L, -1L, 0L, 12L, 0x80000000L, Long.MIN_VALUE, Long.MAX_VALUE),
                Arbitraries.longs());
        Arbitrary<Integer> extra = Arbitraries.of(0, 0, 0, 0, 0, 0, -1, 1, 7);
        return net.jqwik.api.Combinators.combine(op, flagBits, pid, quota, quota, field, wild, extra)
                .as((o, f, p, h, n, which, w, x) -> {
                    long[] fields = {o.code(), f & o.flags(), o.namesPid() ? p : 0,
                            o == Operation.CAP ? h : -1, o == Operation.CAP ? n : -1};
                    if (which >= 0) fields[which] = which < 3 ? (int) (long) w : w;
                    ByteBuffer b = ByteBuffer.allocate(32).put("RTC2".getBytes(StandardCharsets.US_ASCII))
                            .putInt((int) fields[0]).putInt((int) fields[1]).putInt((int) fields[2])
                            .putLong(fields[3]).putLong(fields[4]);
                    return java.util.Arrays.copyOf(b.array(), 32 + x);
                });
    }

    /** Frames that name the secret file, the FIFO or a directory, the ways a command line could. */
    @Provide
    Arbitrary<byte[]> namingFiles() {
        Arbitrary<String> named = Arbitraries.of("@" + secret, "@" + fifo, "@" + dir, "@/root", "@/etc/shadow",
                secret.toString(), fifo.toString());
        Arbitrary<String> word = Arbitraries.oneOf(named, Arbitraries.of("status", "fetch", "tracer", "events", "--pid",
                "show", "register", "0", "--json"));
        Arbitrary<byte[]> old = word.list().ofMinSize(1).ofMaxSize(5).filter(l -> l.stream().anyMatch(w -> w.contains("/")))
                .map(l -> {
                    ByteArrayOutputStream payload = new ByteArrayOutputStream();
                    payload.writeBytes("0\0".getBytes(StandardCharsets.UTF_8));
                    for (String w : l) payload.writeBytes((w + "\0").getBytes(StandardCharsets.UTF_8));
                    byte[] body = payload.toByteArray();
                    return ByteBuffer.allocate(8 + body.length).put("RTC1".getBytes(StandardCharsets.US_ASCII))
                            .putInt(body.length).put(body).array();
                });
        Arbitrary<byte[]> trailing = named.map(path -> {
            byte[] p = path.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(32 + p.length).put("RTC2".getBytes(StandardCharsets.US_ASCII))
                    .putInt(Operation.STATUS.code()).putInt(0).putInt(0).putLong(-1).putLong(-1).put(p).array();
        });
        return Arbitraries.oneOf(old, trailing);
    }

    /** One exchange, bounded: an answer (or the connection's end) must come within the deadline. */
    private static byte[] exchange(byte[] frame) {
        try (UnixSocket s = UnixSocket.connect(server.path())) {
            s.timeouts(DEADLINE);
            s.send(frame, -1);
            s.shutdownOutput(); // a frame shorter than it says ends here, not after the server's timeout
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            try {
                for (UnixSocket.Received r; (r = s.receive(buf)).count() > 0; ) reply.write(buf, 0, r.count());
            } catch (restracker.sys.NativeException e) {
                assertTrue(e.rawErrno() != 11, "an answer within " + DEADLINE);
                // the server reset the connection: a closed connection
            }
            return reply.toByteArray();
        }
    }

    /** The reply is well formed with a documented status (or absent), and the kept process is as it was. */
    private static void check(byte[] reply) {
        if (reply.length > 0) {
            ByteBuffer b = ByteBuffer.wrap(reply);
            byte[] magic = new byte[4];
            b.get(magic);
            assertEquals("RTC2", new String(magic, StandardCharsets.US_ASCII));
            int status = b.getInt();
            assertTrue(DOCUMENTED.contains(status), "documented status: " + status);
            byte[] out = new byte[b.getInt()];
            b.get(out);
            String err = new String(reply, b.position() + 4, b.getInt(), StandardCharsets.UTF_8);
            assertEquals(b.position() + err.getBytes(StandardCharsets.UTF_8).length, reply.length, "nothing after the reply");
            if (status != 0) {
                assertTrue(err.startsWith("restracker: ") && err.strip().endsWith(")]") && err.strip().lines().count() == 1,
                        "one sentence naming the errno: " + err);
            }
        }
        EntityStats s = tracker.fetch(kept.pid());
        assertEquals(QUOTA, s.quota(), "the kept process's quotas");
        assertTrue(kept.alive());
        restoreSpare();
    }

    /** Whatever a valid request did to the spare process, it starts the next try untracked. */
    private static void restoreSpare() {
        try {
            tracker.deregister(spare.pid());
        } catch (RuntimeException e) {
            // it was not tracked
        }
    }
}
