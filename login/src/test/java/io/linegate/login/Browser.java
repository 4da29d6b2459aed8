package io.linegate.login;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A minimal browser for the emulator's login pages: keeps cookies, follows redirects only within the
 * emulator (the callback to the site is returned, not followed), and submits forms by a button id.
 */
final class Browser {
    private static final Pattern FORM = Pattern.compile("(?s)<form\\b([^>]*)>(.*?)</form>");
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>");
    private static final Pattern BUTTON = Pattern.compile("<button\\b([^>]*)>");

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String platform;
    URI location;
    String page;
    int status;

    Browser(String platform) {
        this.platform = platform;
    }

    /** Opens {@code url} and follows redirects while they stay on the emulator. */
    Browser open(String url) throws Exception {
        return go(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** Submits the form holding the button {@code buttonId}, with {@code fields} typed in. */
    Browser submit(String buttonId, Map<String, String> fields) throws Exception {
        Matcher f = FORM.matcher(page);
        while (f.find()) {
            if (!f.group(2).contains("id=\"" + buttonId + "\"")) {
                continue;
            }
            Map<String, String> form = new LinkedHashMap<>();
            Matcher in = INPUT.matcher(f.group(2));
            while (in.find()) {
                String name = attr(in.group(1), "name");
                boolean box = "checkbox".equals(attr(in.group(1), "type"));
                if (name != null && (!box || in.group(1).contains("checked"))) {
                    form.put(name, attr(in.group(1), "value") == null ? "on" : attr(in.group(1), "value"));
                }
            }
            Matcher b = BUTTON.matcher(f.group(2));
            while (b.find()) {
                if (buttonId.equals(attr(b.group(1), "id")) && attr(b.group(1), "name") != null) {
                    form.put(attr(b.group(1), "name"), attr(b.group(1), "value"));
                }
            }
            form.putAll(fields);
            String action = attr(f.group(1), "action");
            String body = form.entrySet().stream().filter(e -> e.getValue() != null)
                    .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
            return go(HttpRequest.newBuilder(location.resolve(action == null ? "" : action.replace("&amp;", "&")))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }
        throw new AssertionError("no form with button #" + buttonId + " on " + location + ":\n" + page);
    }

    /**
     * A user with {@code email} and {@code password} opens the authorization URL in a fresh browser,
     * logs in to LINE and answers the consent screen with {@code button} (LINE remembers a consent, so
     * a later login with the same scopes goes straight back); the browser stops at {@code callback}.
     */
    static Browser logInAndAnswer(String platform, String authorizationUrl, String email, String password, String button,
                                  String callback) throws Exception {
        Browser b = new Browser(platform).open(authorizationUrl);
        b.submit("login", Map.of("email", email, "password", password));
        if (!b.location.toString().startsWith(callback)) {
            b.submit(button, Map.of());
        }
        if (!b.location.toString().startsWith(callback)) {
            throw new AssertionError("not back at " + callback + ": " + b.location + "\n" + b.page);
        }
        return b;
    }

    /** The query parameters of where the browser was sent last (the site's callback). */
    Map<String, String> query() {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = location.getRawQuery();
        if (raw != null) {
            for (String p : raw.split("&")) {
                int i = p.indexOf('=');
                q.put(dec(i < 0 ? p : p.substring(0, i)), i < 0 ? "" : dec(p.substring(i + 1)));
            }
        }
        return q;
    }

    private Browser go(HttpRequest.Builder request) throws Exception {
        for (int hops = 0; hops < 10; hops++) {
            HttpRequest r = request.build();
            HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
            location = r.uri();
            status = res.statusCode();
            page = res.body();
            String next = res.headers().firstValue("Location").orElse(null);
            if (status / 100 != 3 || next == null) {
                return this;
            }
            location = r.uri().resolve(next);
            if (!location.toString().startsWith(platform)) {
                return this; // the site's callback: the test plays the site
            }
            request = HttpRequest.newBuilder(location).GET();
        }
        throw new AssertionError("too many redirects");
    }

    private static String attr(String tag, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(tag);
        return m.find() ? m.group(1).replace("&amp;", "&").replace("&quot;", "\"") : null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
