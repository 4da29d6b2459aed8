package io.linegate.login;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The channel's registered callback URLs (at most 400, LINE Login docs, "Integrating LINE Login with your web app"). A {@code redirect_uri} is
 * allowed when it is a registered URL, or a registered URL with query parameters added; its scheme,
 * host, port and path must match exactly, the registered URL's own parameters must keep their
 * values, and it may carry no fragment.
 */
public final class CallbackUrls {
    public static final int MAX = 400;
    private final List<URI> registered;

    private CallbackUrls(List<URI> registered) {
        this.registered = registered;
    }

    public static CallbackUrls of(List<String> urls) {
        if (urls.isEmpty() || urls.size() > MAX) {
            throw new IllegalArgumentException("between 1 and " + MAX + " callback URLs may be registered, got " + urls.size());
        }
        List<URI> parsed = new ArrayList<>();
        for (String u : urls) {
            URI uri = parse(u);
            if (uri == null || uri.getFragment() != null || uri.getHost() == null) {
                throw new IllegalArgumentException("not a callback URL: " + u);
            }
            parsed.add(uri);
        }
        return new CallbackUrls(List.copyOf(parsed));
    }

    public boolean allows(String redirectUri) {
        URI candidate = parse(redirectUri);
        if (candidate == null || candidate.getFragment() != null || candidate.getHost() == null) {
            return false;
        }
        for (URI r : registered) {
            if (sameEndpoint(r, candidate) && query(candidate).entrySet().containsAll(query(r).entrySet())) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameEndpoint(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b) && Objects.equals(path(a), path(b));
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String path(URI u) {
        return u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    }

    private static Map<String, String> query(URI u) {
        Map<String, String> out = new LinkedHashMap<>();
        if (u.getRawQuery() != null) {
            for (String pair : u.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                out.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return out;
    }

    private static URI parse(String s) {
        try {
            return s == null ? null : new URI(s);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
