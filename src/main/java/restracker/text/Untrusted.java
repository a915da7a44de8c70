package restracker.text;

/**
 * Text restracker prints but did not write: process names (a process sets its own), what a user
 * typed, what the kernel or another user's request carried. Printed raw, a control character in it
 * could clear an operator's screen, retitle the terminal or fake a line of output; every
 * human-readable output passes such text through {@link #escape} first. (JSON output escapes control
 * characters by JSON's own rules.)
 */
public final class Untrusted {
    private Untrusted() {}

    /**
     * s with every control character (C0, DEL, C1), line or paragraph separator and bidirectional
     * override written as an escape ("\n", "\t", "\u001b", ...), so that it stays on one line and
     * cannot drive the terminal; null is "".
     */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement = replacement(c);
            if (replacement == null) {
                if (b != null) b.append(c);
                continue;
            }
            if (b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
            b.append(replacement);
        }
        return b == null ? s : b.toString();
    }

    private static String replacement(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')
                    || (c >= '\u2066' && c <= '\u2069') ? String.format("\\u%04x", (int) c) : null;
        };
    }
}
