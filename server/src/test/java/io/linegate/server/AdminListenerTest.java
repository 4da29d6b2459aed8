package io.linegate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.linegate.core.Secret;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's side lives on its own listener, on loopback by default: the admin API and the
 * metrics are not on the webhook's port, a caller's typo is a 400 naming the parameter, and guessing
 * the token is slowed to ten tries and then one a second per address.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminListenerTest {
    static final Secret SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee01", "LINE_CHANNEL_SECRET");
    static final Secret ADMIN = Secret.of("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "LINEGATE_ADMIN_TOKEN");

    @TempDir
    Path dir;
    LinegateServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    LinegateServer start(String host, String adminHost) {
        server = LinegateServer.builder(new RecordingBot(), SECRET)
                .host(host).port(0).tls(ServerTls.insecureHttp()).dataDir(dir)
                .adminHost(adminHost).adminPort(0).adminToken(ADMIN)
                .build().start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    HttpResponse<String> call(String method, String url, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    String admin(String path) {
        return server.adminUri() + path;
    }

    @Test
    void theAdminApiAndTheMetricsAreOnlyOnTheAdminListenerAndTheWebhookOnlyOnThePublicPort() throws Exception {
        start("127.0.0.1", "127.0.0.1");
        assertThat(server.adminPort()).isNotEqualTo(server.port());
        String pub = server.baseUri().toString();
        assertThat(call("GET", pub + "/admin/controls", ADMIN.reveal()).statusCode()).isEqualTo(404);
        assertThat(call("GET", pub + "/metrics", null).statusCode()).isEqualTo(404);
        assertThat(call("GET", pub + "/health", null).statusCode()).isEqualTo(200);
        assertThat(call("POST", pub + "/webhook", null).statusCode()).isEqualTo(401);

        assertThat(call("GET", admin("/admin/controls"), ADMIN.reveal()).statusCode()).isEqualTo(200);
        assertThat(call("GET", admin("/metrics"), null).body()).contains("linegate_queue_depth");
        assertThat(call("GET", admin("/health"), null).statusCode()).isEqualTo(200);
        assertThat(call("POST", admin("/webhook"), null).statusCode()).isEqualTo(404);
    }

    @Test
    void theAdminListenerBindsLoopbackByDefaultWhileTheWebhookListensEverywhere() throws Exception {
        server = LinegateServer.builder(new RecordingBot(), SECRET)
                .host("0.0.0.0").port(0).tls(ServerTls.insecureHttp()).dataDir(dir).adminPort(0).adminToken(ADMIN)
                .build().start();
        // 127.0.0.2 is this machine too, but not the address the admin listener is bound to.
        assertThat(call("GET", "http://127.0.0.2:" + server.port() + "/health", null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> call("GET", "http://127.0.0.2:" + server.adminPort() + "/health", null))
                .isInstanceOf(ConnectException.class);
        assertThat(call("GET", admin("/health"), null).statusCode()).isEqualTo(200);
    }

    @Test
    void badParametersAre400NamingTheParameterNever500() throws Exception {
        start("127.0.0.1", "127.0.0.1");
        for (String limit : new String[] {"abc", "0", "-1", "1001", "99999999999", "1e3", "%20", "99999999999999999999"}) {
            HttpResponse<String> res = call("GET", admin("/admin/events/dead?limit=" + limit), ADMIN.reveal());
            assertThat(res.statusCode()).as(limit).isEqualTo(400);
            assertThat(res.body()).as(limit).startsWith("{\"message\":\"limit must be a whole number from 1 to 1000");
        }
        assertThat(call("GET", admin("/admin/events/dead?limit=1000"), ADMIN.reveal()).statusCode()).isEqualTo(200);
        assertThat(call("GET", admin("/admin/events/dead"), ADMIN.reveal()).body()).isEqualTo("[]");
        for (String id : new String[] {"abc", "0", "-5", "99999999999999999999", "1.5"}) {
            HttpResponse<String> res = call("POST", admin("/admin/events/dead/" + id + "/replay"), ADMIN.reveal());
            assertThat(res.statusCode()).as(id).isEqualTo(400);
            assertThat(res.body()).as(id).contains("id must be a dead letter's id");
        }
        assertThat(call("POST", admin("/admin/events/dead/12345/replay"), ADMIN.reveal()).statusCode()).isEqualTo(404);
        assertThat(call("PUT", admin("/admin/maintenance/sideways"), ADMIN.reveal()).statusCode()).isEqualTo(400);
    }

    @Test
    void failedAuthenticationsAreLimitedPerAddressWith429() throws Exception {
        start("127.0.0.1", "127.0.0.1");
        String controls = "http://127.0.0.1:" + server.adminPort() + "/admin/controls";
        for (int i = 0; i < AdminAuth.BURST; i++) {
            assertThat(call("GET", controls, "wrong-token-" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> limited = call("GET", controls, "wrong-token-again");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        assertThat(limited.body()).startsWith("{\"message\":");
        // Over the limit, the right token still works: only wrong ones are limited.
        assertThat(call("GET", controls, ADMIN.reveal()).statusCode()).isEqualTo(200);
        assertThat(call("GET", controls, "wrong-token-still").statusCode()).isEqualTo(429);
        // Another address is not held up by this one.
        assertThat(RawHttp.sendFrom("127.0.0.2", server.adminPort(), "GET /admin/controls HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + ADMIN.reveal() + "\r\nConnection: close\r\n\r\n", 2000).statuses())
                .containsExactly(200);
        Thread.sleep(AdminAuth.REFILL_MILLIS + 200);
        assertThat(call("GET", controls, ADMIN.reveal()).statusCode()).isEqualTo(200);
    }

    @Test
    void theOperatorsTokenIsAcceptedDuringAWrongTokenFloodFromTheSameAddress() throws Exception {
        start("127.0.0.1", "127.0.0.1");
        String controls = "http://127.0.0.1:" + server.adminPort() + "/admin/controls";
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger limited = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        Thread flood = new Thread(() -> {
            while (flooding.get()) {
                try {
                    if (call("GET", controls, "wrong-token-" + sent.incrementAndGet()).statusCode() == 429) {
                        limited.incrementAndGet();
                    }
                } catch (Exception e) {
                    return;
                }
            }
        });
        flood.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> limited.get() > 0);
            for (int i = 0; i < 10; i++) {
                assertThat(call("GET", controls, ADMIN.reveal()).statusCode()).as("the operator's try " + i).isEqualTo(200);
                Thread.sleep(100);
            }
        } finally {
            flooding.set(false);
            flood.join(10_000);
        }
        assertThat(sent.get()).as("wrong tokens sent during the operator's tries").isGreaterThan(20);
        assertThat(limited.get()).as("wrong tokens answered 429").isGreaterThan(sent.get() / 2);
    }

    @Test
    void theTokenIsComparedExactly() throws Exception {
        start("127.0.0.1", "127.0.0.1");
        String controls = "http://127.0.0.1:" + server.adminPort() + "/admin/controls";
        assertThat(call("GET", controls, ADMIN.reveal()).statusCode()).isEqualTo(200);
        assertThat(call("GET", controls, " " + ADMIN.reveal()).statusCode()).isEqualTo(401);
        assertThat(call("GET", controls, ADMIN.reveal() + " x").statusCode()).isEqualTo(401);
        assertThat(call("GET", controls, ADMIN.reveal().substring(1)).statusCode()).isEqualTo(401);
        assertThat(call("GET", controls, ADMIN.reveal().toUpperCase(java.util.Locale.ROOT)).statusCode()).isEqualTo(401);
        // HTTP/2 carries a header value as it was sent, trailing space included: that is not the token.
        try (ClientFactory factory = ClientFactory.builder().build()) {
            WebClient h2c = WebClient
                    .builder("h2c://127.0.0.1:" + server.adminPort()).factory(factory).build();
            Function<String, Integer> status = value -> h2c.execute(
                    RequestHeaders.builder(HttpMethod.GET,
                            "/admin/controls").add("authorization", value).build()).aggregate().join().status().code();
            assertThat(status.apply("Bearer " + ADMIN.reveal())).isEqualTo(200);
            assertThat(status.apply("Bearer " + ADMIN.reveal() + " ")).isEqualTo(401);
            assertThat(status.apply("Bearer " + ADMIN.reveal() + "\t")).isEqualTo(401);
        }
    }

    @Test
    void aRequestWithoutATokenIs401AndSpendsNoneOfTheAllowanceForWrongTokens() throws Exception {
        start("127.0.0.1", "127.0.0.1");
        String controls = "http://127.0.0.1:" + server.adminPort() + "/admin/controls";
        for (int i = 0; i < 3 * AdminAuth.BURST; i++) {
            assertThat(call("GET", controls, null).statusCode()).isEqualTo(401);
        }
        for (int i = 0; i < AdminAuth.BURST; i++) {
            assertThat(call("GET", controls, "wrong-token-" + i).statusCode()).isEqualTo(401);
        }
        assertThat(call("GET", controls, "wrong-token-again").statusCode()).isEqualTo(429);
    }

    @Test
    void aWrongTokenIsToldItDoesNotMatchAndNoTokenThatOneIsRequired() throws Exception {
        start("127.0.0.1", "127.0.0.1");
        String controls = "http://127.0.0.1:" + server.adminPort() + "/admin/controls";
        HttpResponse<String> wrong = call("GET", controls, "wrong-token-0123456789abcdef0123456789");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("\"message\":\"The admin token does not match\"");
        HttpResponse<String> none = call("GET", controls, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("\"message\":\"Admin token required\"");
    }

    @Test
    void aShortAdminTokenIsRefusedAtStartUpWithAClearMessage() {
        assertThatThrownBy(() -> LinegateServer.builder(new RecordingBot(), SECRET)
                .adminToken(Secret.of("admin-token-too-short", "LINEGATE_ADMIN_TOKEN")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 characters").hasMessageContaining("it is 21")
                .hasMessageNotContaining("admin-token-too-short");
    }

    @Test
    void theAdminApiNeedsItsOwnListener() {
        assertThatThrownBy(() -> LinegateServer.builder(new RecordingBot(), SECRET).dataDir(dir).adminToken(ADMIN).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("adminPort");
    }
}
