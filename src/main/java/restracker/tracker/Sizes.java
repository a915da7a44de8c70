package restracker.tracker;

import java.util.Locale;

/**
 * Quota sizes as operators write them: 4096B, 512K, 40M, 2G, 1T (binary units; KiB/MiB/GiB also
 * accepted). A bare number means MiB, the unit of the system calls restracker replaces. -1 means unlimited.
 */
public final class Sizes {
    private static final long KIB = 1024, MIB = KIB * 1024, GIB = MIB * 1024, TIB = GIB * 1024;

    private Sizes() {}

    /** Bytes for a size; IllegalArgumentException naming the problem for anything else. */
    public static long parseBytes(String text) {
        String s = text.strip();
        if (s.equals("-1")) return -1;
        String upper = s.toUpperCase(Locale.ROOT);
        int end = 0;
        // ASCII digits only: Character.isDigit and Long.parseLong also take other scripts' digits ("٣M").
        while (end < upper.length() && upper.charAt(end) >= '0' && upper.charAt(end) <= '9') end++;
        if (end == 0) {
            throw new IllegalArgumentException("invalid size '" + text + "': expected a number with an optional"
                    + " unit (B, K, M, G, T), or -1 for unlimited");
        }
        long unit = switch (upper.substring(end)) {
            case "" , "M", "MB", "MIB" -> MIB;
            case "B" -> 1;
            case "K", "KB", "KIB" -> KIB;
            case "G", "GB", "GIB" -> GIB;
            case "T", "TB", "TIB" -> TIB;
            default -> throw new IllegalArgumentException("invalid size '" + text + "': unknown unit '"
                    + s.substring(end) + "' (use B, K, M, G or T)");
        };
        try {
            return Math.multiplyExact(Long.parseLong(upper.substring(0, end)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("invalid size '" + text + "': too large");
        }
    }

    /** A count of descriptors: a non-negative number, or -1 for unlimited. */
    public static long parseCount(String text) {
        String s = text.strip();
        try {
            long n = Long.parseLong(s);
            if (n >= -1 && isDecimal(s)) return n;
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("invalid file count '" + text + "': expected a number of at least 0,"
                + " or -1 for unlimited");
    }

    /** An optional minus and ASCII digits only: Long.parseLong also takes "+5" and other scripts' digits. */
    public static boolean isDecimal(String s) {
        int start = s.startsWith("-") ? 1 : 0;
        if (s.length() == start) return false;
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    /** Bytes in the largest binary unit that divides them exactly: "20 MiB", "132 KiB", "4095 B". */
    public static String format(long bytes) {
        if (bytes < 0) return "unlimited";
        if (bytes == 0) return "0 MiB";
        for (long unit : new long[] {TIB, GIB, MIB, KIB}) {
            if (bytes % unit == 0) return bytes / unit + " " + unitName(unit);
        }
        return bytes + " B";
    }

    private static String unitName(long unit) {
        return unit == TIB ? "TiB" : unit == GIB ? "GiB" : unit == MIB ? "MiB" : "KiB";
    }
}
