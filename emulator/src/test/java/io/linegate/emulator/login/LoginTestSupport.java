package io.linegate.emulator.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import io.linegate.core.Json;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for the Login tests: a cookie-keeping browser that does not follow redirects, HTML scraping, a webhook sink. */
final class LoginTestSupport {
    private LoginTestSupport() {}

    record Res(int status, String body, java.net.http.HttpResponse<String> raw) {  // fully qualified: Armeria's HttpResponse is imported
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String location() {
            return header("location");
        }

        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        boolean hasId(String id) {
            return body.contains("id=\"" + id + "\"");
        }

        /** The {@code value} of the hidden input {@code name}. */
        String hidden(String name) {
            Matcher m = Pattern.compile("<input type=\"hidden\" name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\">").matcher(body);
            assertThat(m.find()).as("hidden input " + name + " in " + body).isTrue();
            return m.group(1).replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">");
        }

        /** The {@code action} of the form {@code id}. */
        String formAction(String id) {
            Matcher m = Pattern.compile("<form id=\"" + Pattern.quote(id) + "\" method=\"post\" action=\"([^\"]+)\">").matcher(body);
            assertThat(m.find()).as("form " + id + " in " + body).isTrue();
            return m.group(1);
        }
    }

    /** A browser: one cookie jar, redirects returned rather than followed. */
    static final class Browser {
        private final String base;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();

        Browser(String base) {
            this.base = base;
        }

        Res get(String pathOrUrl) {
            return send(HttpRequest.newBuilder(uri(pathOrUrl)).GET());
        }

        Res post(String pathOrUrl, Map<String, String> form) {
            return send(HttpRequest.newBuilder(uri(pathOrUrl)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(form))));
        }

        Res postJson(String path, String json, String bearer) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            }
            return send(b);
        }

        Res getWithBearer(String path, String bearer) {
            return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + bearer).GET());
        }

        Res put(String path, String json) {
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(json)));
        }

        /** Logs in on a login page: fills input#email and input#password, presses button#login. */
        Res logIn(Res loginPage, String email, String password) {
            assertThat(loginPage.hasId("email") && loginPage.hasId("password") && loginPage.hasId("login"))
                    .as(loginPage.body()).isTrue();
            return post(loginPage.formAction("login-form"), Map.of("pending", loginPage.hidden("pending"),
                    "email", email, "password", password));
        }

        private URI uri(String pathOrUrl) {
            return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
        }

        Res send(HttpRequest.Builder b) {
            try {
                java.net.http.HttpResponse<String> r = client.send(b.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());  // fully qualified: Armeria's HttpResponse is imported
                return new Res(r.statusCode(), r.body(), r);
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String form(Map<String, String> form) {
        StringBuilder b = new StringBuilder();
        form.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        return b.toString();
    }

    /** The query parameters of a URL (decoded), in order. */
    static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = URI.create(url).getRawQuery();
        if (q != null) {
            for (String p : q.split("&")) {
                int eq = p.indexOf('=');
                out.put(URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static String s256(String verifier) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A bot's webhook endpoint: keeps every event it receives. */
    static final class Webhook implements AutoCloseable {
        private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final Server server = Server.builder().http(new InetSocketAddress("127.0.0.1", 0))
                .service("/callback", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(this::record)))
                .build();

        Webhook() {
            server.start().join();
        }

        private HttpResponse record(AggregatedHttpRequest r) {
            try {
                Json.mapper().readTree(r.contentUtf8()).path("events").forEach(events::add);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            return HttpResponse.of(HttpStatus.OK);
        }

        String url() {
            return "http://127.0.0.1:" + server.activeLocalPort() + "/callback";
        }

        JsonNode next() throws InterruptedException {
            JsonNode e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("a webhook event within 10 s").isNotNull();
            return e;
        }

        JsonNode poll(long ms) throws InterruptedException {
            return events.poll(ms, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            server.stop(); // Not joined: the port is ephemeral, and a stop waits about 2 s for Netty's idle boss loop after the last request.
        }
    }
}
