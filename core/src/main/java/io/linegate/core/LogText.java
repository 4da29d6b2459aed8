package io.linegate.core;

/**
 * Makes text safe for one log line: control characters (CR, LF, TAB, ESC and the rest of C0 and C1,
 * DEL) and the Unicode line and paragraph separators are written as escapes ({@code \n},
 * {@code \r}, {@code \t}, {@code \\u001b}), so that a value that came from outside (a user's message,
 * a header, a body) can neither start a forged log line nor send terminal control sequences.
 * Backslashes are left alone: an escape in the output always comes from a control character or from
 * the text as it was, and the line stays readable.
 */
public final class LogText {
    private LogText() {}

    /** Returns {@code text} unchanged (the same instance) when it holds nothing to escape. */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int n = text.length();
        int i = 0;
        while (i < n && !needsEscape(text.charAt(i))) {
            i++;
        }
        if (i == n) {
            return text; // the usual case: one scan, no copy
        }
        StringBuilder out = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append("\\u").append(String.format("%04x", (int) c));
            }
        }
        return out.toString();
    }

    static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
