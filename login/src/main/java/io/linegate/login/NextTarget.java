package io.linegate.login;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where a site may send the browser after signing in: a {@code next} parameter comes from a URL
 * anyone can craft, so only a path on the site itself is accepted, never another origin (an open
 * redirect lends the site's name to a phishing page).
 *
 * <p>Accepted: an absolute path ({@code /...}) with an optional query and fragment, at most 2,000
 * characters. Refused: anything with a scheme or an authority ({@code https://evil.example},
 * {@code //evil.example}); a backslash anywhere ({@code /\evil.example}, which browsers read as
 * {@code //}); control characters and whitespace, which browsers strip from URLs, so that
 * {@code /<TAB>/evil.example} becomes {@code //evil.example}; and the same forms percent-encoded, once
 * or several times ({@code %2F%09%2Fevil.example}, {@code /%5Cevil.example}).
 */
public final class NextTarget {
    static final int MAX_LENGTH = 2_000;

    private NextTarget() {}

    /** {@code next} if it is a safe path on this site; empty otherwise. */
    public static Optional<String> localPath(String next) {
        if (next == null || next.isEmpty() || next.length() > MAX_LENGTH || !next.startsWith("/")) {
            return Optional.empty();
        }
        String s = next;
        for (int round = 0; round < 4; round++) {
            if (unsafe(s)) {
                return Optional.empty();
            }
            String decoded = decode(s);
            if (decoded == null) {
                return Optional.empty(); // a malformed escape: nothing a browser would agree on
            }
            if (decoded.equals(s)) {
                break;
            }
            s = decoded;
        }
        try {
            URI uri = new URI(next);
            if (uri.getScheme() != null || uri.getRawAuthority() != null || uri.getRawPath() == null
                    || !uri.getRawPath().startsWith("/")) {
                return Optional.empty();
            }
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        return Optional.of(next);
    }

    /** {@code next} if it is a safe path on this site, {@code fallback} otherwise. */
    public static String orElse(String next, String fallback) {
        return localPath(next).orElse(fallback);
    }

    private static boolean unsafe(String s) {
        if (s.startsWith("//") || s.indexOf('\\') >= 0) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || (c >= 0x7f && c <= 0xa0) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || Character.getType(c) == Character.FORMAT) {
                return true;
            }
        }
        return false;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
