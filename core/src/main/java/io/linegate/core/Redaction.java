package io.linegate.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Masks secrets in text bound for logs.
 *
 * <p>Two nets: every {@link Secret} registers its value here, and anything shaped like a bearer
 * credential or a signature header is masked whatever its value. The Logback converter
 * {@link RedactingMessageConverter} applies this to every log line, so that a third-party library
 * that logs a header or a URL with a token in it cannot leak it either.
 */
public final class Redaction {
    static final String MASK = "[REDACTED]";
    private static final int MIN_LENGTH = 6; // shorter values would mask ordinary words
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final Pattern SHAPES = Pattern.compile(
            "(?i)(bearer\\s+|x-line-signature[\"']?\\s*[:=]\\s*[\"']?|access_token=|client_secret=|"
                    + "client_assertion=|id_token=|refresh_token=|code_verifier=)[^\\s&\"',;]+");

    private Redaction() {}

    static void register(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH) {
            SECRETS.add(secret);
        }
    }

    /** Returns {@code text} with registered secrets and credential-shaped values masked. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : SECRETS) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        return SHAPES.matcher(out).replaceAll("$1" + MASK);
    }
}
