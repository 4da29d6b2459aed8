package io.linegate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.linegate.core.Secret;
import io.linegate.store.OperatorControls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's operations over plain HTTP, as a script or an attacker would call them: nothing without a
 * session, no change without the session's CSRF token and a JSON body, wrong tokens counted with the admin
 * API's, and a mistake answered with a 4xx naming it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConsoleApiTest {
    static final Secret SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee28", "LINE_CHANNEL_SECRET");
    static final Secret ADMIN = Secret.of("28e2d3c4b5a69788796a5b4c3d2e1f0f", "LINEGATE_ADMIN_TOKEN");

    @TempDir
    Path dir;
    LinegateServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void start() {
        server = LinegateServer.builder(new RecordingBot(), SECRET)
                .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).dataDir(dir)
                .adminPort(0).adminToken(ADMIN)
                .build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server.adminUri() + "/console" + path))
                .timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            req.headers(headers);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in; returns the cookie and the CSRF token. */
    String[] signIn() throws Exception {
        HttpResponse<String> res = call("POST", "/api/signin", "{\"name\":\"Ken\"}",
                "Authorization", "Bearer " + ADMIN.reveal(), "Content-Type", "application/json");
        assertThat(res.statusCode()).isEqualTo(200);
        String cookie = res.headers().firstValue("set-cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/console").doesNotContain("Secure");
        String csrf = res.body().replaceAll(".*\"csrf\":\"([^\"]+)\".*", "$1");
        return new String[] {cookie.substring(0, cookie.indexOf(';')), csrf};
    }

    @Test
    void nothingIsShownWithoutASessionAndTheTokenIsNotASession() throws Exception {
        assertThat(call("GET", "/api/overview", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/dead", null, "Authorization", "Bearer " + ADMIN.reveal()).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/switches", null, "Cookie", "linegate_console=forged").body())
                .contains("\"message\":\"Sign in first");
        // The page itself (no data in it) is served to anyone on the admin listener, with its policy.
        HttpResponse<String> page = call("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
    }

    @Test
    void aChangeNeedsTheSessionsCsrfTokenAndAJsonBody() throws Exception {
        String[] s = signIn();
        String mute = "{\"source\":\"U0123456789abcdef0123456789abcdef\",\"muted\":true}";
        assertThat(call("POST", "/api/mute", mute, "Cookie", s[0], "Content-Type", "application/json").statusCode())
                .isEqualTo(403);
        assertThat(call("POST", "/api/mute", mute, "Cookie", s[0], "Content-Type", "application/json",
                "X-CSRF-Token", s[1] + "x").statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/mute", mute, "Cookie", s[0], "Content-Type", "text/plain",
                "X-CSRF-Token", s[1]).statusCode()).isEqualTo(415);
        assertThat(server.store().controls().controls(OperatorControls.MUTE)).isEmpty();

        HttpResponse<String> ok = call("POST", "/api/mute", mute, "Cookie", s[0], "Content-Type", "application/json",
                "X-CSRF-Token", s[1]);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(server.store().controls().controls(OperatorControls.MUTE))
                .containsExactly("user:U0123456789abcdef0123456789abcdef");
        assertThat(server.store().controls().auditTrail(1)).singleElement()
                .satisfies(e -> assertThat(e.actor()).isEqualTo("console:Ken from 127.0.0.1"));

        assertThat(call("POST", "/api/signout", "{}", "Cookie", s[0], "Content-Type", "application/json",
                "X-CSRF-Token", s[1]).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/switches", null, "Cookie", s[0]).statusCode()).isEqualTo(401);
    }

    @Test
    void wrongTokensAtTheSignInCountWithTheAdminApisAndTheRightOneStillWorks() throws Exception {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(server.adminUri() + "/admin/status"))
                    .header("Authorization", "Bearer wrong-token-" + i).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(401);
        }
        HttpResponse<String> limited = call("POST", "/api/signin", "{}", "Authorization", "Bearer wrong-again",
                "Content-Type", "application/json");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        signIn();
    }

    @Test
    void theAdminApisChangesAreInTheSameAuditWithTheCallersAddressAndNeverTheToken() throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(server.adminUri()
                        + "/admin/mute/U0123456789abcdef0123456789abcdef")).header("Authorization", "Bearer " + ADMIN.reveal())
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        http.send(HttpRequest.newBuilder(URI.create(server.adminUri() + "/admin/maintenance/on"))
                .header("Authorization", "Bearer " + ADMIN.reveal()).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(server.store().controls().auditTrail(10))
                .extracting(OperatorControls.AuditEntry::actor, OperatorControls.AuditEntry::action, OperatorControls.AuditEntry::subject)
                .containsExactly(
                        tuple("admin API from 127.0.0.1", "maintenance on", null),
                        tuple("admin API from 127.0.0.1", "mute", "user:U0123456789abcdef0123456789abcdef"));
        assertThat(server.store().controls().auditTrail(10).toString()).doesNotContain(ADMIN.reveal());
    }

    @Test
    void aMistakeIsA4xxNamingWhatWasWrong() throws Exception {
        String[] s = signIn();
        assertThat(call("GET", "/api/dead?limit=5000", null, "Cookie", s[0]).body()).contains("limit must be a whole number");
        assertThat(call("GET", "/api/dead?before=x", null, "Cookie", s[0]).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/dead?conversation=bob", null, "Cookie", s[0]).body()).contains("conversation must be");
        assertThat(call("GET", "/api/dead/abc", null, "Cookie", s[0]).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/dead/77", null, "Cookie", s[0]).statusCode()).isEqualTo(404);
        HttpResponse<String> bad = call("POST", "/api/mute", "{\"source\":\"bob\",\"muted\":true}", "Cookie", s[0],
                "Content-Type", "application/json", "X-CSRF-Token", s[1]);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("source must be", "\"details\":[]");
        assertThat(call("POST", "/api/maintenance", "not json", "Cookie", s[0], "Content-Type", "application/json",
                "X-CSRF-Token", s[1]).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/dead/replay", "{\"filter\":{},\"expected\":3}", "Cookie", s[0],
                "Content-Type", "application/json", "X-CSRF-Token", s[1]).statusCode()).isEqualTo(409);
        assertThat(call("GET", "/api/nothing", null, "Cookie", s[0]).statusCode()).isEqualTo(404);
    }
}
