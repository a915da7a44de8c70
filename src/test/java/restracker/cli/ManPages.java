package restracker.cli;

import java.io.File;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;
import restracker.kernel.PinnedState;

/**
 * Writes restracker(1) and a page per command (restracker-cap(1), restracker-tracer-add(1), ...) as
 * AsciiDoc into the directory given, from the same command model the CLI parses with. scripts/package
 * turns them into troff with asciidoctor.
 */
public final class ManPages {
    private ManPages() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: ManPages OUTPUT_DIR");
        CommandLine all = Main.commandLine(Path.of("/sys/fs/bpf/restracker"), new CommandLine.RunLast());
        all.getCommandSpec().version("restracker " + PinnedState.VERSION);
        int rc = ManPageGenerator.generateManPage(new File(args[0]), null, new boolean[0], true, all.getCommandSpec());
        if (rc != 0) throw new IllegalStateException("the man page generator failed with status " + rc);
    }
}
