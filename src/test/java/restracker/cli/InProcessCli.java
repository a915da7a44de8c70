package restracker.cli;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Runs many `restracker` command lines in one JVM, each through {@link Main#execute} exactly as
 * {@code main} would (minus System.exit), with its own captured stdout and stderr. Started by a
 * test as a child JVM with RESTRACKER_PIN_DIR set, so that the CLI finds the test's pin directory
 * the way operators' calls find theirs (the environment), without a JVM start per command line.
 *
 * <p>Protocol, one line each way: in, the arguments base64-encoded and separated by spaces ("-"
 * for none); out, {@code <status> <stdout> <stderr>} base64-encoded, or {@code crash <trace>}
 * when execute threw instead of returning a status.
 */
public final class InProcessCli {
    private InProcessCli() {}

    public static void main(String[] unused) throws IOException {
        PrintStream realOut = System.out;
        PrintWriter replies = new PrintWriter(new OutputStreamWriter(realOut, StandardCharsets.US_ASCII), true);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        Base64.Encoder b64 = Base64.getEncoder();
        for (String line; (line = in.readLine()) != null; ) {
            List<String> args = new ArrayList<>();
            if (!line.equals("-")) {
                for (String a : line.split(" ")) args.add(new String(Base64.getDecoder().decode(a), StandardCharsets.UTF_8));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String reply;
            try {
                int status = Main.execute(args.toArray(String[]::new));
                reply = status + " " + b64.encodeToString(out.toByteArray()) + " " + b64.encodeToString(err.toByteArray());
            } catch (Throwable t) {
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                reply = "crash " + b64.encodeToString(trace.toString().getBytes(StandardCharsets.UTF_8));
            } finally {
                System.out.flush();
                System.err.flush();
            }
            replies.println(reply);
        }
    }
}
