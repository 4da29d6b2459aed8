package io.linegate.console;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to the console, as a host hands it over: the method, the path below the console's
 * base path ({@code /} for the page itself), the raw query string (null without one), the headers
 * that matter (names in lower case), the client's address and the body (at most {@link Console#MAX_BODY_BYTES}).
 */
public record ConsoleRequest(String method, String path, String query, Map<String, String> headers,
                             String clientAddress, byte[] body) {
    public ConsoleRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = headers == null ? Map.of() : headers;
        body = body == null ? new byte[0] : body;
    }

    /** A header's value by its lower-case name, or {@code ""}. */
    public String header(String name) {
        String v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null ? "" : v;
    }

    /** The header names the console reads; a host copies these (and may copy more). */
    public static final List<String> HEADERS = List.of(
            "authorization", "cookie", "content-type", "origin", "sec-fetch-site", "host", "x-csrf-token");
}
