package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.linegate.core.Redaction;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LinegateServerTest {
    static final Secret SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee01", "LINE_CHANNEL_SECRET");
    static final Secret OLD_SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee00", "previous secret");
    static final Secret ADMIN = Secret.of("admin-token-for-tests-0001-0123456789abcdef", "LINEGATE_ADMIN_TOKEN");

    @TempDir
    Path dir;
    RecordingBot bot = new RecordingBot();
    LinegateServer server;
    HttpClient http = HttpClient.newHttpClient();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();

    {
        logs.list = new CopyOnWriteArrayList<>(); // the server's threads append while a test reads
    }

    @BeforeEach
    void start() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        logs.start();
        server = LinegateServer.builder(bot, SECRET)
                .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).dataDir(dir)
                .previousSecret(OLD_SECRET, Instant.now().plusSeconds(3600))
                .adminPort(0).adminToken(ADMIN)
                .build().start();
    }

    @AfterEach
    void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    HttpResponse<String> post(byte[] body, String headerName, String signature) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server.baseUri() + "/webhook"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            req.header(headerName, signature);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** On the admin listener, where the admin API and the metrics are. */
    HttpResponse<String> get(String path, String token) throws Exception {
        return get(server.adminUri(), path, token);
    }

    HttpResponse<String> get(URI base, String path, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.adminUri() + path))
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSignedWebhookIsAcknowledgedAndHandledWhateverTheHeaderCase() throws Exception {
        byte[] body = body(text(user(1), "hello"));
        var res = post(body, "X-Line-Signature", WebhookSignature.sign(SECRET, body));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-request-id")).isPresent();
        byte[] body2 = body(text(user(2), "hello"));
        assertThat(post(body2, "x-line-signature", WebhookSignature.sign(SECRET, body2)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.handled.size() == 2);
    }

    @Test
    void badSignaturesAre401WithAJsonErrorAndNothingIsStored() throws Exception {
        byte[] body = body(text(user(1), "forged"));
        Secret wrong = Secret.of("ffffffffffffffffffffffffffffffff", "attacker secret");
        var missing = post(body, "x-line-signature", null);
        var malformed = post(body, "x-line-signature", "%%%not-base64%%%");
        var mismatched = post(body, "x-line-signature", WebhookSignature.sign(wrong, body));
        for (var res : Arrays.asList(missing, malformed, mismatched)) {
            assertThat(res.statusCode()).isEqualTo(401);
            assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).contains("json"));
            assertThat(res.body()).startsWith("{\"message\":");
        }
        assertThat(missing.body()).contains("Missing");
        assertThat(malformed.body()).contains("Malformed");
        Thread.sleep(200);
        assertThat(bot.handled).isEmpty();
        assertThat(server.store().journal().inbox(0, 10)).isEmpty();
        assertThat(server.store().journal().pending(0, 10)).isEmpty();
    }

    @Test
    void thePreviousSecretIsAcceptedDuringTheRotationWindow() throws Exception {
        byte[] body = body(text(user(1), "signed with the old secret"));
        assertThat(post(body, "x-line-signature", WebhookSignature.sign(OLD_SECRET, body)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.handled.size() == 1);
    }

    @Test
    void theVerifyButtonsEmptyWebhookIsAnswered200() throws Exception {
        byte[] body = "{\"destination\":\"U8e742f61d673b39c7fff3cecb7536ef0\",\"events\":[]}".getBytes();
        assertThat(post(body, "x-line-signature", WebhookSignature.sign(SECRET, body)).statusCode()).isEqualTo(200);
        Thread.sleep(200);
        assertThat(bot.handled).isEmpty();
    }

    @Test
    void aBodyOverOneMebibyteIs413AndNotStored() throws Exception {
        byte[] big = new byte[1024 * 1024 + 1];
        Arrays.fill(big, (byte) ' ');
        var res = post(big, "x-line-signature", WebhookSignature.sign(SECRET, big));
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(res.body()).contains("\"message\"");
        assertThat(server.store().journal().inbox(0, 10)).isEmpty();
    }

    @Test
    void healthAndPrometheusMetricsAreServed() throws Exception {
        byte[] body = body(text(user(1), "m"));
        post(body, "x-line-signature", WebhookSignature.sign(SECRET, body));
        post(body, "x-line-signature", WebhookSignature.sign(SECRET, body)); // a duplicate
        post(body, "x-line-signature", "bad");
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.handled.size() == 1);
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get("/metrics", null).body())
                .contains("linegate_webhook_requests_total{status=\"200\"} 2.0")
                .contains("linegate_webhook_requests_total{status=\"401\"} 1.0")
                .contains("linegate_events_received_total 2.0")
                .contains("linegate_events_duplicate_total 1.0")
                .contains("linegate_events_processed_total{outcome=\"handled\"} 1.0")
                .contains("linegate_queue_depth")
                .contains("linegate_ack_latency_seconds_bucket"));
    }

    @Test
    void theAdminApiNeedsTheTokenAndSwitchesAtRunTime() throws Exception {
        assertThat(get("/admin/controls", null).statusCode()).isEqualTo(401);
        assertThat(get("/admin/controls", "wrong-token-xxxxxxxx").statusCode()).isEqualTo(401);

        var muted = put("/admin/mute/" + user(1), ADMIN.reveal());
        assertThat(muted.statusCode()).isEqualTo(200);
        assertThat(muted.body()).contains("user:" + user(1));
        assertThat(put("/admin/mute/not*an*id", ADMIN.reveal()).statusCode()).isEqualTo(400);

        byte[] body = body(text(user(1), "muted"), text(user(2), "heard"));
        post(body, "x-line-signature", WebhookSignature.sign(SECRET, body));
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.handled.size() == 1);
        assertThat(bot.handled.get(0).sourceKey()).isEqualTo("user:" + user(2));

        assertThat(put("/admin/maintenance/on", ADMIN.reveal()).body()).contains("\"maintenance\":true");
        assertThat(get("/admin/controls", ADMIN.reveal()).body()).contains("\"maintenance\":true");
    }

    @Test
    void noSecretReachesTheLogs() throws Exception {
        byte[] body = body(text(user(1), "log check"));
        String signature = WebhookSignature.sign(SECRET, body);
        post(body, "x-line-signature", signature);
        get("/admin/controls", ADMIN.reveal());
        get("/admin/controls", "wrong-token-xxxxxxxx");
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.handled.size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.list.stream()
                .anyMatch(e -> e.getLoggerName().equals("linegate.access")));
        for (ILoggingEvent e : logs.list) {
            String line = Redaction.redact(e.getFormattedMessage());
            assertThat(e.getFormattedMessage()).doesNotContain(SECRET.reveal()).doesNotContain(ADMIN.reveal())
                    .doesNotContain(signature);
            assertThat(line).doesNotContain(SECRET.reveal());
        }
        assertThat(logs.list).filteredOn(e -> e.getLoggerName().equals("linegate.access"))
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("POST /webhook 200"));
    }
}
