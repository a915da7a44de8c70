package restracker.cli;

import picocli.CommandLine.Option;
import restracker.tracker.Quota;

/** --heap SIZE and --files N, shared by cap and run. */
final class QuotaOptions {
    @Option(names = "--heap", paramLabel = "SIZE",
            description = "Heap quota: 4096B, 512K, 40M, 2G (a bare number is MiB); -1 for unlimited.")
    String heap;

    @Option(names = "--files", paramLabel = "N", description = "Open-file quota; -1 for unlimited.")
    String files;

    boolean any() {
        return heap != null || files != null;
    }

    Quota quota() {
        return new Quota(heap == null ? Quota.UNLIMITED : Sizes.parseBytes(heap),
                files == null ? Quota.UNLIMITED : Sizes.parseCount(files));
    }
}
