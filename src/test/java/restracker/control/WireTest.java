package restracker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import restracker.sys.NativeException;
import restracker.tracker.Quota;

/** The typed request's layout, byte by byte, and what a strict decoder refuses. */
class WireTest {
    private static byte[] frame(int op, int flags, int pid, long heap, long files) {
        return ByteBuffer.allocate(32).put("RTC2".getBytes(StandardCharsets.US_ASCII)).putInt(op).putInt(flags)
                .putInt(pid).putLong(heap).putLong(files).array();
    }

    @Test
    void theLayoutIsTheDocumentedOne() {
        Request cap = Request.of(Operation.CAP, 4242).withQuota(new Quota(40L << 20, 1)).with(Request.REPLACE, true);
        assertEquals(ByteBuffer.wrap(frame(4, 2, 4242, 40L << 20, 1)), ByteBuffer.wrap(Wire.encode(cap)));
        assertEquals(ByteBuffer.wrap(frame(8, 0, 0, -1, -1)), ByteBuffer.wrap(Wire.encode(Request.of(Operation.STATUS))));
    }

    @Test
    void everyValidRequestSurvivesTheTrip() {
        for (Operation op : Operation.values()) {
            for (int flags = 0; flags <= Request.ALL_FLAGS; flags++) {
                if ((flags & ~op.flags()) != 0) continue;
                for (int pid : op.namesPid() ? new int[] {-1, 0, 1, 4242, Integer.MAX_VALUE} : new int[] {0}) {
                    Request r = new Request(op, pid, op == Operation.CAP ? new Quota(0, Long.MAX_VALUE) : Quota.NONE, flags);
                    assertEquals(r, Wire.decodeRequest(Wire.encode(r)));
                }
            }
        }
    }

    @Test
    void anythingElseIsOneEinvalSentence() {
        assertRefused("unknown operation 0", frame(0, 0, 0, -1, -1));
        assertRefused("unknown operation 12", frame(12, 0, 0, -1, -1));
        assertRefused("unknown flags 0x10", frame(2, 0x10, 1, -1, -1));
        assertRefused("flags 0x8 do not apply to fetch", frame(2, 8, 1, -1, -1));
        assertRefused("unknown flags 0x80000000", frame(2, 0x80000000, 1, -1, -1));
        assertRefused("flags 0x1 do not apply to status", frame(8, 1, 0, -1, -1));
        assertRefused("flags 0x2 do not apply to register", frame(1, 2, 1, -1, -1));
        assertRefused("status names no pid, but the request carries pid 7", frame(8, 0, 7, -1, -1));
        assertRefused("fetch takes no quotas", frame(2, 0, 1, 0, -1));
        assertRefused("heap quota -2 (at least 0, or -1 for unlimited)", frame(4, 0, 1, -2, -1));
        assertRefused("file quota " + Long.MIN_VALUE + " (at least 0, or -1 for unlimited)", frame(4, 0, 1, -1, Long.MIN_VALUE));
        assertRefused("it is 31 bytes, not 32", new byte[31]);
    }

    private static void assertRefused(String why, byte[] frame) {
        NativeException e = assertThrows(NativeException.class, () -> Wire.decodeRequest(frame));
        assertEquals(22, e.rawErrno());
        assertEquals("malformed control request: " + why, e.getMessage());
    }
}
