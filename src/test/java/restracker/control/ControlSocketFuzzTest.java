package restracker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import restracker.bpf.UnixSocket;
import restracker.cli.ControlHandler;
import restracker.testing.TestKernel;
import restracker.testing.Workload;
import restracker.tracker.EntityStats;
import restracker.tracker.Quota;
import restracker.tracker.ResourceTracker;

/**
 * The control socket under random input, property-based: arbitrary bytes, frames that lie about
 * their length, and well-formed frames carrying random command lines. Every answer is a reply with
 * a documented status and, for a failure, one sentence naming its errno, or a closed connection;
 * the tracked process that no request names keeps its entry and quotas; the server keeps serving.
 */
class ControlSocketFuzzTest {
    private static final Set<Integer> DOCUMENTED = Set.of(0, 1, 2, 3, 7, 13, 22, 23, 28, 95);
    private static final Quota QUOTA = new Quota(1L << 30, 100);
    private static ResourceTracker tracker;
    private static Workload kept, spare;
    private static Path dir;
    private static ControlServer server;

    @BeforeContainer
    static void start() throws Exception {
        tracker = TestKernel.tracker(ControlSocketFuzzTest.class);
        kept = Workload.start();
        spare = Workload.start();
        tracker.register(kept.pid());
        tracker.cap(kept.pid(), QUOTA, false);
        dir = Files.createTempDirectory("restracker-fuzz-");
        server = ControlServer.start(dir.resolve("control.sock"), Optional.empty(),
                new ControlHandler(TestKernel.pinDir(ControlSocketFuzzTest.class)));
    }

    @AfterContainer
    static void stop() throws Exception {
        if (server != null) server.close();
        if (kept != null) kept.close();
        if (spare != null) spare.close();
        TestKernel.unload(ControlSocketFuzzTest.class, tracker);
        if (dir != null) Files.deleteIfExists(dir);
    }

    @Property(tries = 150)
    void arbitraryBytesGetAnErrorOrAClosedConnection(@ForAll("frames") byte[] frame) {
        check(exchange(frame));
    }

    @Property(tries = 250)
    void randomCommandLinesGetADocumentedAnswer(@ForAll("commandLines") List<String> argv) {
        int named = argv.stream().filter(a -> a.matches("\\d+")).map(Integer::parseInt).findFirst().orElse(0);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes((named + "\0").getBytes(StandardCharsets.UTF_8));
        for (String a : argv) payload.writeBytes((a + "\0").getBytes(StandardCharsets.UTF_8));
        byte[] body = payload.toByteArray();
        byte[] frame = ByteBuffer.allocate(8 + body.length).put("RTC1".getBytes(StandardCharsets.US_ASCII))
                .putInt(body.length).put(body).array();
        check(exchange(frame));
    }

    /** Random bytes; half of them behind a valid magic and a length that may lie. */
    @Provide
    Arbitrary<byte[]> frames() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> framed = Arbitraries.integers().between(-5, 70_000).flatMap(length -> raw.map(body ->
                ByteBuffer.allocate(8 + body.length).put("RTC1".getBytes(StandardCharsets.US_ASCII)).putInt(length)
                        .put(body).array()));
        return Arbitraries.oneOf(raw, framed);
    }

    /** Command lines from restracker's own words, numbers and garbage; the kept process is never named. */
    @Provide
    Arbitrary<List<String>> commandLines() {
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.of("register", "fetch", "deregister", "cap", "reset", "events", "status", "tracer", "add",
                        "remove", "show", "unload", "run", "daemon", "top", "doctor", "--heap", "--files", "--replace",
                        "--json", "--pid", "--from-exec", "--help", "-V", "--", "-1", "0", "1", "12Q", "4G", "99999999"),
                Arbitraries.just(Integer.toString(spare.pid())),
                Arbitraries.strings().ofMaxLength(12));
        return word.list().ofMaxSize(6).filter(l -> !l.contains(Integer.toString(kept.pid())));
    }

    private static byte[] exchange(byte[] frame) {
        try (UnixSocket s = UnixSocket.connect(server.path())) {
            s.timeouts(java.time.Duration.ofSeconds(30));
            s.send(frame, -1);
            s.shutdownOutput(); // a frame shorter than it says ends here, not after the server's timeout
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            for (UnixSocket.Received r; (r = s.receive(buf)).count() > 0; ) reply.write(buf, 0, r.count());
            return reply.toByteArray();
        }
    }

    /** The reply is well formed with a documented status (or absent), and the kept process is as it was. */
    private static void check(byte[] reply) {
        if (reply.length > 0) {
            ByteBuffer b = ByteBuffer.wrap(reply);
            byte[] magic = new byte[4];
            b.get(magic);
            assertEquals("RTC1", new String(magic, StandardCharsets.US_ASCII));
            int status = b.getInt();
            assertTrue(DOCUMENTED.contains(status), "documented status: " + status);
            byte[] out = new byte[b.getInt()];
            b.get(out);
            String err = new String(reply, b.position() + 4, b.getInt(), StandardCharsets.UTF_8);
            if (status != 0 && status != 2) {
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
