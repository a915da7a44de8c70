package restracker.bpf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import restracker.testing.TestKernel;

/**
 * Two BPF objects open in one JVM (the daemon's tracker and tracer loads, say): closing one
 * closes the link descriptors its own attachments left open, and none of the other's.
 */
class LinkDescriptorsTest {
    private static final String OBJECT = "kernelops_probe.bpf.o";

    @Test
    void closingOneObjectLeavesTheOthersDescriptorsOpen() throws IOException {
        TestKernel.requireBpf();
        Path pins = Path.of("/sys/fs/bpf/restracker-test-LinkDescriptorsTest-" + ProcessHandle.current().pid());
        Files.createDirectory(pins);
        BpfObject other = loaded();
        BpfObject attaching = null;
        try {
            Set<Integer> before = LinkDescriptors.open();
            attaching = loaded();
            attaching.attachPinned("probe_raw_tp", pins.resolve("link").toString());
            Set<Integer> its = new HashSet<>(LinkDescriptors.open());
            its.removeAll(before);
            assertFalse(its.isEmpty(), "the attachment left its link's descriptor open (/proc/self/fd)");

            other.close();
            other = null;
            assertTrue(LinkDescriptors.open().containsAll(its), "closing the other object closed this one's descriptors " + its);

            attaching.close();
            attaching = null;
            Set<Integer> left = LinkDescriptors.open();
            left.retainAll(its);
            assertTrue(left.isEmpty(), "closing the object closed its own descriptors: still open " + left);
        } finally {
            if (other != null) other.close();
            if (attaching != null) attaching.close();
            TestKernel.removeByHand(pins);
        }
    }

    /** The tracer's probe object with only its raw tracepoint program, loaded. */
    private static BpfObject loaded() {
        BpfObject o = BpfObject.open(OBJECT, ObjectFiles.read(OBJECT));
        o.setAutoload("probe_fentry", false);
        o.setAutoload("probe_kprobe", false);
        o.load();
        return o;
    }
}
