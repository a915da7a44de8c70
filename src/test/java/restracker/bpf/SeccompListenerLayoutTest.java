package restracker.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import restracker.testing.Child;

/** The seccomp ioctl numbers and struct sizes {@link SeccompListener} uses, as linux/seccomp.h has them. */
class SeccompListenerLayoutTest {
    @Test
    void theNumbersAndSizesAreTheHeaders(@TempDir Path dir) throws Exception {
        Path c = dir.resolve("seccomp.c");
        Files.writeString(c, """
                #include <stdio.h>
                #include <stddef.h>
                #include <sys/ioctl.h>
                #include <linux/seccomp.h>
                int main(void)
                {
                	printf("%lx %lx %lx %lx %zu %zu %zu %zu %zu\\n", (unsigned long)SECCOMP_IOCTL_NOTIF_RECV,
                	       (unsigned long)SECCOMP_IOCTL_NOTIF_SEND, (unsigned long)SECCOMP_IOCTL_NOTIF_ID_VALID,
                	       (unsigned long)SECCOMP_IOCTL_NOTIF_ADDFD, sizeof(struct seccomp_notif),
                	       sizeof(struct seccomp_notif_resp), sizeof(struct seccomp_notif_addfd),
                	       offsetof(struct seccomp_notif, data), offsetof(struct seccomp_data, args));
                	return 0;
                }
                """);
        Path bin = dir.resolve("seccomp");
        Child.Output built = Child.run(new ProcessBuilder("gcc", "-o", bin.toString(), c.toString()).redirectErrorStream(true),
                "gcc", Duration.ofSeconds(60));
        assertEquals(0, built.status(), built.out());
        String printed = Child.run(new ProcessBuilder(bin.toString()), "seccomp sizes", Duration.ofSeconds(10)).out();
        assertEquals(String.join(" ", Long.toHexString(SeccompListener.NOTIF_RECV), Long.toHexString(SeccompListener.NOTIF_SEND),
                Long.toHexString(SeccompListener.NOTIF_ID_VALID), Long.toHexString(SeccompListener.NOTIF_ADDFD),
                Integer.toString(SeccompListener.NOTIF_SIZE), Integer.toString(SeccompListener.RESP_SIZE),
                Integer.toString(SeccompListener.ADDFD_SIZE), Integer.toString(SeccompListener.NOTIF_DATA),
                Integer.toString(SeccompListener.DATA_ARGS)) + "\n", printed);
    }
}
