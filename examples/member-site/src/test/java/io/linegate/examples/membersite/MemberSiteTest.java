package io.linegate.examples.membersite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linegate.core.Secret;
import io.linegate.store.Store;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The member site's own defences, over plain HTTP: the sign-in form's token and session rotation,
 * the {@code next} target, the cap on anonymous logins, the login cookie cleared at the callback,
 * cookie flags and security headers.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MemberSiteTest {
    @TempDir
    Path dir;
    Store store;
    MemberSite site;
    String base;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        store = Store.sqlite(dir);
        site = site("http://localhost:0");
        base = "http://127.0.0.1:" + site.port();
    }

    MemberSite site(String publicUrl) {
        return MemberSite.builder(store, "1234567890", Secret.of("0123456789abcdef0123456789abcdef", "login secret"))
                .platform(URI.create("http://127.0.0.1:9")).publicUrl(URI.create(publicUrl)).listen("127.0.0.1", 0)
                .members(Map.of("alice", Secret.of("alice-password", "password"), "bob", Secret.of("bob-password", "password")))
                .build().start();
    }

    @AfterEach
    void stop() {
        site.close();
        store.close();
    }

    HttpResponse<String> get(String path, String cookies) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (cookies != null) {
            r.header("Cookie", cookies);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String cookies, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookies != null) {
            r.header("Cookie", cookies);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The value of cookie {@code name} that {@code r} sets. */
    static String setCookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).orElse(null);
    }

    static String hidden(String page, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(page);
        assertThat(m.find()).as(name + " in " + page).isTrue();
        return m.group(1);
    }

    /** A browser's sign-in: the form (with its cookie and token), then the post. */
    HttpResponse<String> signIn(String member, String password, String next, String sessionCookie) throws Exception {
        HttpResponse<String> form = get("/", null);
        String signin = setCookie(form, Sessions.SIGN_IN_COOKIE);
        String cookies = Sessions.SIGN_IN_COOKIE + "=" + signin + (sessionCookie == null ? "" : "; " + Sessions.COOKIE + "=" + sessionCookie);
        return post("/signin", cookies, Map.of("member", member, "password", password, "next", next, "csrf", hidden(form.body(), "csrf")));
    }

    @Test
    void signingInNeedsTheFormsOwnTokenSoAnotherSiteCannotSignTheBrowserIn() throws Exception {
        HttpResponse<String> form = get("/", null);
        String token = hidden(form.body(), "csrf");
        String signin = setCookie(form, Sessions.SIGN_IN_COOKIE);
        Map<String, String> credentials = Map.of("member", "bob", "password", "bob-password", "next", "/");
        // A cross-site post: no sign-in cookie (SameSite=Strict), with or without a token copied from elsewhere.
        assertThat(post("/signin", null, credentials).statusCode()).isEqualTo(403);
        assertThat(post("/signin", null, Map.of("member", "bob", "password", "bob-password", "csrf", token)).statusCode()).isEqualTo(403);
        assertThat(post("/signin", Sessions.SIGN_IN_COOKIE + "=" + signin, credentials).statusCode()).isEqualTo(403);
        HttpResponse<String> ok = post("/signin", Sessions.SIGN_IN_COOKIE + "=" + signin,
                Map.of("member", "bob", "password", "bob-password", "next", "/", "csrf", token));
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(setCookie(ok, Sessions.COOKIE)).isNotBlank();
    }

    @Test
    void signingInEndsTheBrowsersPreviousSession() throws Exception {
        String first = setCookie(signIn("alice", "alice-password", "/", null), Sessions.COOKIE);
        assertThat(get("/", Sessions.COOKIE + "=" + first).body()).contains("Signed in as <strong id=\"member-id\">alice");
        String second = setCookie(signIn("bob", "bob-password", "/", first), Sessions.COOKIE);
        assertThat(second).isNotEqualTo(first);
        assertThat(get("/", Sessions.COOKIE + "=" + second).body()).contains("id=\"member-id\">bob");
        assertThat(get("/", Sessions.COOKIE + "=" + first).body()).as("the old session is over").contains("id=\"signin\"")
                .doesNotContain("member-id");
    }

    @Test
    void aSignInWithLineFinishesOnlyInTheBrowserTheCallbackAnswered() throws Exception {
        // Without the Strict cookie the callback set (a link from another site), or with a made-up one: nothing.
        for (String cookies : new String[] {null, Sessions.LINE_SIGN_IN_COOKIE + "=made-up"}) {
            HttpResponse<String> r = get("/signin/line", cookies);
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(setCookie(r, Sessions.COOKIE)).isNull();
        }
    }

    @Test
    void nextLeadsOnlyToAPathOnThisSiteAndBadFormsAreNeverA500() throws Exception {
        for (String next : List.of("/\t/evil.example/", "//evil.example", "/\\evil.example", "https://evil.example/",
                "/\r\nSet-Cookie: x=1", "/\u000b/evil.example", "/\u0000", "/%2F%09%2Fevil.example%2F", "javascript:alert(1)")) {
            HttpResponse<String> r = signIn("alice", "alice-password", next, null);
            assertThat(r.statusCode()).as(next).isEqualTo(303);
            assertThat(r.headers().firstValue("location")).as(next).contains("/");
        }
        HttpResponse<String> r = signIn("alice", "alice-password", "/link?linkToken=abc", null);
        assertThat(r.headers().firstValue("location")).contains("/link?linkToken=abc");
    }

    @Test
    void anonymousClientsStartOnlySoManyLoginsAMinute() throws Exception {
        int redirected = 0;
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = get("/login/line", null);
            if (r.statusCode() == 303) {
                redirected++;
                assertThat(r.headers().firstValue("location").orElseThrow()).startsWith("http://127.0.0.1:9/oauth2/v2.1/authorize?");
            } else {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("retry-after")).contains("60");
                refused++;
            }
        }
        assertThat(redirected).isEqualTo(20);
        assertThat(refused).isEqualTo(10);
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnAllowance() throws Exception {
        site.close();
        site = MemberSite.builder(store, "1234567890", Secret.of("0123456789abcdef0123456789abcdef", "login secret"))
                .platform(URI.create("http://127.0.0.1:9")).publicUrl(URI.create("http://localhost:0")).listen("127.0.0.1", 0)
                .trustedProxies(List.of("127.0.0.0/8"))
                // The allowance is counted per minute of the clock: a fixed one, so that no minute ends between the 21 starts.
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:10Z"), ZoneOffset.UTC)).build().start();
        base = "http://127.0.0.1:" + site.port();
        Function<String, Integer> loginFrom = client -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(base + "/login/line")).header("X-Forwarded-For", client)
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        for (int i = 0; i < 20; i++) {
            assertThat(loginFrom.apply("198.51.100.1")).isEqualTo(303);
        }
        assertThat(loginFrom.apply("198.51.100.1")).as("that client is over its cap").isEqualTo(429);
        assertThat(loginFrom.apply("198.51.100.2")).as("another client behind the same proxy").isEqualTo(303);
        assertThat(loginFrom.apply("198.51.100.2, 198.51.100.1")).as("the proxy's entry is the one believed").isEqualTo(429);
        assertThatThrownBy(() -> MemberSite.builder(store, "1", Secret.of("s", "s")).trustedProxies(List.of("proxy.example")))
                .hasMessageContaining("'proxy.example'");
    }

    @Test
    void theCallbackClearsTheLoginCookieWhateverItsOutcome() throws Exception {
        String login = setCookie(get("/login/line", null), "linegate_login");
        HttpResponse<String> r = get("/callback?code=forged&state=forged", "linegate_login=" + login);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c).startsWith("linegate_login=;").contains("Max-Age=0"));
    }

    @Test
    void everyAnswerForbidsFramingAndReferrersAndSessionCookiesAreStrict() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertThat(page.headers().firstValue("x-frame-options")).contains("DENY");
        assertThat(page.headers().firstValue("referrer-policy")).contains("no-referrer");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
                .contains("default-src 'none'", "frame-ancestors 'none'", "form-action 'self' http://127.0.0.1:9", "base-uri 'none'");
        HttpResponse<String> redirect = signIn("alice", "alice-password", "/", null);
        assertThat(redirect.headers().firstValue("x-frame-options")).contains("DENY");
        assertThat(redirect.headers().allValues("set-cookie")).singleElement().satisfies(c ->
                assertThat(c).startsWith(Sessions.COOKIE + "=").contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure"));
        assertThat(page.headers().allValues("set-cookie")).singleElement().satisfies(c -> assertThat(c).contains("SameSite=Strict"));
    }

    @Test
    void onHttpsEveryCookieIsSecure() throws Exception {
        site.close();
        site = site("https://members.example");
        base = "http://127.0.0.1:" + site.port(); // behind a TLS-terminating proxy
        assertThat(get("/", null).headers().allValues("set-cookie")).isNotEmpty().allSatisfy(c -> assertThat(c).contains("; Secure"));
        assertThat(signIn("alice", "alice-password", "/", null).headers().allValues("set-cookie")).isNotEmpty()
                .allSatisfy(c -> assertThat(c).contains("; Secure"));
        assertThat(get("/login/line", null).headers().allValues("set-cookie")).isNotEmpty()
                .allSatisfy(c -> assertThat(c).contains("; Secure"));
    }
}
