package io.linegate.console;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The console's answer, for the host to write as it is: the status, the content type, the headers
 * (the security headers of every answer among them) and the body.
 */
public record ConsoleResponse(int status, String contentType, Map<String, String> headers, byte[] body) {

    /**
     * Scripts, styles and data from the console's own origin only, nothing inline, no frame around it,
     * no form sent anywhere else.
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    static ConsoleResponse of(int status, String contentType, byte[] body, Map<String, String> extra) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-security-policy", CSP);
        h.put("x-content-type-options", "nosniff");
        h.put("x-frame-options", "DENY");
        h.put("referrer-policy", "no-referrer");
        h.put("cache-control", "no-store");
        h.putAll(extra);
        return new ConsoleResponse(status, contentType, Map.copyOf(h), body);
    }

    static ConsoleResponse text(int status, String contentType, String body) {
        return of(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
