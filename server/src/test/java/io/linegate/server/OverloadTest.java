package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.core.Secret;
import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store cannot keep up (here: another process holds SQLite's write lock): webhooks are answered
 * 503 within the acknowledgement deadline instead of 200 after LINE has stopped waiting, new ones are
 * refused at once until the store catches up, and nothing the store did commit is lost or handled twice.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OverloadTest {
    static final Secret SECRET = Secret.of("0a7a6e0a7a6e0a7a6e0a7a6e0a7a6e01", "LINE_CHANNEL_SECRET");

    @TempDir
    Path dir;
    LinegateServer server;
    final HttpClient http = HttpClient.newHttpClient();
    final RecordingBot bot = new RecordingBot();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    HttpResponse<String> send(String eventId) throws Exception {
        byte[] body = body(text(user(1), eventId, "hello", false));
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve("/webhook")).timeout(Duration.ofSeconds(20))
                        .header("x-line-signature", WebhookSignature.sign(SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    long handled(String eventId) {
        return bot.handled.stream().filter(c -> c.rawJson().contains(eventId)).count();
    }

    String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.adminUri() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aStoreThatCannotKeepUpGets503WithinTheDeadlineNotALate200AndLosesNothingItCommitted() throws Exception {
        server = LinegateServer.builder(bot, SECRET).host("127.0.0.1").port(0).tls(ServerTls.insecureHttp())
                .dataDir(dir).adminPort(0).ackDeadline(Duration.ofMillis(500)).build().start();
        String before = Ulid.next();
        assertThat(send(before).statusCode()).isEqualTo(200);

        String late = Ulid.next();
        String shed = Ulid.next();
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("linegate.db"));
             Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE"); // the writer now waits for the lock (up to its busy timeout)
            long t0 = System.nanoTime();
            HttpResponse<String> lateAnswer = send(late);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(lateAnswer.statusCode()).isEqualTo(503);
            assertThat(lateAnswer.body()).contains("\"message\"").doesNotContain("Exception");
            assertThat(took).as("time to answer").isLessThan(Duration.ofMillis(1_500));

            t0 = System.nanoTime();
            assertThat(send(shed).statusCode()).as("refused while the store is behind").isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("refused at once").isLessThan(Duration.ofMillis(400));
            st.execute("ROLLBACK");
        }

        // The late append was not cancelled: it commits and is handled, though LINE was told 503.
        await().atMost(Duration.ofSeconds(15)).until(() -> handled(late) == 1);
        // Acknowledging again once the store caught up; LINE's redeliveries of both are taken once each.
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> send(shed).statusCode() == 200);
        assertThat(send(late).statusCode()).isEqualTo(200);
        String after = Ulid.next();
        assertThat(send(after).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> handled(after) == 1 && handled(shed) == 1);
        assertThat(handled(late)).as("the redelivered late webhook is a duplicate").isEqualTo(1);
        assertThat(handled(before)).isEqualTo(1);

        String metrics = metrics();
        assertThat(metrics).containsPattern("linegate_webhook_overloaded_total\\{reason=\"deadline\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("linegate_webhook_overloaded_total\\{reason=\"shed\"[^}]*} [1-9]");
    }
}
