package io.linegate.cli.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Login channel's callback URLs: those given with {@code --login-callback} (LINE has no API that
 * lists them), plus those the console API knows for {@code --login-channel-id}.
 */
final class LoginCallbacks {
    /** The URLs, or why none could be read ({@code problem}). */
    record Resolved(List<String> urls, String source, String problem) {
        boolean configured() {
            return !urls.isEmpty() || problem != null;
        }
    }

    private LoginCallbacks() {}

    static Resolved resolve(Deployment d) {
        Deployment.Target t = d.target;
        List<String> urls = new ArrayList<>(t.loginCallbacks());
        String source = urls.isEmpty() ? "" : "--login-callback";
        if (t.loginChannelId() == null) {
            return new Resolved(urls, source, null);
        }
        if (t.consoleApi() == null) {
            return new Resolved(urls, source, urls.isEmpty() ? "LINE has no API that lists a Login channel's callback URLs:"
                    + " give them with --login-callback" : null);
        }
        URI channels = URI.create(t.consoleApi().toString().replaceAll("/+$", "") + "/login/channels");
        Http.Response res = Http.get(d.strict, channels, Map.of(), d.timeout());
        if (!res.ok()) {
            return new Resolved(urls, source, "cannot read the Login channel's callback URLs at " + channels + " ("
                    + res.outcome() + "): give them with --login-callback");
        }
        for (JsonNode ch : Deployment.json(res.body()).path("loginChannels")) {
            if (t.loginChannelId().equals(ch.path("channelId").asText())) {
                ch.path("callbackUrls").forEach(u -> urls.add(u.asText()));
                return new Resolved(urls, source.isEmpty() ? channels.toString() : source + " and " + channels, null);
            }
        }
        return new Resolved(urls, source, "no Login channel " + t.loginChannelId() + " at " + channels);
    }

    /** https, or http to this machine (development only). */
    static boolean isHttps(URI u) {
        return "https".equalsIgnoreCase(u.getScheme());
    }

    static boolean isLoopbackHttp(URI u) {
        if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            return false;
        }
        String h = u.getHost().toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]");
    }

    /** Each place a callback lands (scheme, host, port, path), once: query parameters may vary, the page does not. */
    static Set<URI> pages(List<String> urls) {
        Set<URI> out = new LinkedHashSet<>();
        for (String s : urls) {
            try {
                URI u = URI.create(s);
                if (u.getHost() != null && (isHttps(u) || isLoopbackHttp(u))) {
                    out.add(URI.create(u.getScheme() + "://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath())));
                }
            } catch (IllegalArgumentException e) {
                // reported by the callback check as not a URL
            }
        }
        return out;
    }
}
