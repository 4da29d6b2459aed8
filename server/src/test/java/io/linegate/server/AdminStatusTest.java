package io.linegate.server;

import io.linegate.runtime.TokenSettings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.messaging.token.TokenManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /admin/status}: what a release check needs to know about a running server, behind the admin token. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminStatusTest {
    static final Secret ADMIN = Secret.of("admin-token-for-status-tests-0123456789", "LINEGATE_ADMIN_TOKEN");

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    JsonNode status(LinegateServer server, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server.adminUri() + "/admin/status"));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        return res.statusCode() == 200 ? Json.mapper().readTree(res.body())
                : Json.mapper().createObjectNode().put("status", res.statusCode());
    }

    @Test
    void managedTokensReportTheirTypeAndRemainingLifetimeAndNeverTheToken() throws Exception {
        try (Emulator emulator = Emulator.builder().port(0).start()) {
            var ch = emulator.defaultChannel();
            Secret secret = Secret.of(ch.channelSecret(), "LINE_CHANNEL_SECRET");
            URI api = URI.create(emulator.baseUrl());
            try (LinegateServer server = LinegateServer.builder(new RecordingBot(), secret)
                    .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).dataDir(dir).adminPort(0).adminToken(ADMIN)
                    .apiBase(api).channelId(ch.channelId())
                    .tokens(TokenSettings.stateless(ch.channelId(), secret))
                    .apiLog(Duration.ofDays(14), "redacted")
                    .build().start()) {
                assertThat(status(server, null).path("status").asInt()).isEqualTo(401);
                assertThat(status(server, "not-the-admin-token-000").path("status").asInt()).isEqualTo(401);

                JsonNode before = status(server, ADMIN.reveal());
                assertThat(before.path("tokens").path("type").asText()).isEqualTo("stateless");
                assertThat(before.path("tokens").path("managed").asBoolean()).isTrue();
                assertThat(before.path("tokens").path("live").asInt()).isZero();

                // Another process of the deployment (or this one at its first send) issues a token into the store.
                String token = TokenManager.stateless(ch.channelId(), secret).store(server.store().tokens()).apiBase(api)
                        .build().current().reveal();
                JsonNode after = status(server, ADMIN.reveal());
                assertThat(after.path("tokens").path("live").asInt()).isEqualTo(1);
                assertThat(after.path("tokens").path("remainingSeconds").asLong()).isBetween(14 * 60L, 15 * 60L);
                assertThat(after.toString()).doesNotContain(token).doesNotContain(ch.channelSecret())
                        .doesNotContain(ADMIN.reveal());

                assertThat(after.path("sending").path("retryKeys").asBoolean()).isTrue();
                assertThat(after.path("sending").path("rateLimits").asText()).startsWith("shared");
                assertThat(after.path("apiLog").path("retention").asText()).isEqualTo("PT336H");
                assertThat(after.path("apiLog").path("bodies").asText()).isEqualTo("redacted");
                assertThat(after.path("webhook").path("signatureVerification").asBoolean()).isTrue();
                assertThat(after.path("store").path("reachable").asBoolean()).isTrue();
                assertThat(after.path("store").path("usableBytes").asLong()).isPositive();
                assertThat(after.path("deadLetters").asLong()).isZero();
                assertThat(after.path("backlog").asLong()).isZero();
            }
        }
    }

    @Test
    void aLongLivedTokenIsReportedAsSuchAndAServerThatDoesNotSendSaysSo() throws Exception {
        Secret secret = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee01", "LINE_CHANNEL_SECRET");
        try (LinegateServer server = LinegateServer.builder(new RecordingBot(), secret)
                .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).dataDir(dir.resolve("a")).adminPort(0).adminToken(ADMIN)
                .tokens(TokenSettings.longLived(Secret.of("a-long-lived-token-value", "LINE_CHANNEL_ACCESS_TOKEN")))
                .build().start()) {
            JsonNode s = status(server, ADMIN.reveal());
            assertThat(s.path("tokens").path("type").asText()).isEqualTo("long-lived");
            assertThat(s.path("tokens").path("managed").asBoolean()).isFalse();
            assertThat(s.toString()).doesNotContain("a-long-lived-token-value");
        }
        try (LinegateServer server = LinegateServer.builder(new RecordingBot(), secret)
                .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).dataDir(dir.resolve("b")).adminPort(0).adminToken(ADMIN)
                .build().start()) {
            JsonNode s = status(server, ADMIN.reveal());
            assertThat(s.path("sending").path("on").asBoolean()).isFalse();
            assertThat(s.path("apiLog").path("on").asBoolean()).isFalse();
            assertThat(s.path("tokens").isNull()).isTrue();
        }
    }
}
