package restracker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import restracker.tracker.Quota;
import restracker.tracker.Sizes;

/** --heap SIZE and --files N, shared by cap and run. A malformed value is a usage error (exit 2). */
final class QuotaOptions {
    @Option(names = "--heap", paramLabel = "SIZE", converter = HeapSize.class,
            description = "Heap quota: 4096B, 512K, 40M, 2G (a bare number is MiB); -1 for unlimited.")
    Long heap;

    @Option(names = "--files", paramLabel = "N", converter = FileCount.class,
            description = "Open-file quota; -1 for unlimited.")
    Long files;

    boolean any() {
        return heap != null || files != null;
    }

    Quota quota() {
        return new Quota(heap == null ? Quota.UNLIMITED : heap, files == null ? Quota.UNLIMITED : files);
    }

    static final class HeapSize implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Sizes.parseBytes(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class FileCount implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Sizes.parseCount(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
