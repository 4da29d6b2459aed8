package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.linegate.core.Secret;
import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import io.linegate.store.sqlite.SqliteQuota;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that cannot write (its disk full: SQLite's {@code max_page_count}, which fails as a full disk
 * does) makes the server not ready, webhooks 503 at once, in one line without a stack trace; once there
 * is room it is ready again by itself, and every webhook it acknowledged is handled.
 */
@Timeout(120)
class FullStoreServerTest {
    static final Secret SECRET = Secret.of("0a7a6e0a7a6e0a7a6e0a7a6e0a7a6e01", "LINE_CHANNEL_SECRET");

    @TempDir
    Path dir;
    LinegateServer server;
    final HttpClient http = HttpClient.newHttpClient();
    final CountDownLatch handlersMayRun = new CountDownLatch(1);
    final List<String> handled = new CopyOnWriteArrayList<>();
    /** Its handlers wait until the test lets them run, so that the events pile up in the store meanwhile. */
    final Bot bot = new Bot() {
        @Override
        public String name() {
            return "held";
        }

        @Override
        public EventHandler handler() {
            return ctx -> {
                handlersMayRun.await();
                handled.add(ctx.rawJson());
            };
        }
    };

    @AfterEach
    void stop() {
        handlersMayRun.countDown();
        if (server != null) {
            server.close();
        }
    }

    int sent;

    HttpResponse<String> send(String eventId) throws Exception {
        // Many users, as the flood limit (120 events a minute from one source) would hold one back.
        byte[] body = body(text(user(++sent), eventId, "x".repeat(3_000), false));
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve("/webhook")).timeout(Duration.ofSeconds(20))
                        .header("x-line-signature", WebhookSignature.sign(SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    int get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.adminUri() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    long handled(String eventId) {
        return handled.stream().filter(json -> json.contains(eventId)).count();
    }

    @Test
    void aFullStoreMakesTheServerNotReadyUntilThereIsRoomAndLosesNothingItAcknowledged() throws Exception {
        SqliteQuota quota = SqliteQuota.open(dir);
        server = LinegateServer.builder(bot, SECRET).host("127.0.0.1").port(0).tls(ServerTls.insecureHttp())
                .store(quota.store()).adminPort(0).build().start();
        try (CapturedLogs logs = CapturedLogs.capture()) {
            quota.leaveRoomFor(60);
            List<String> acknowledged = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < 400 && refused == 0; i++) {
                String id = Ulid.next();
                int status = send(id).statusCode();
                if (status == 200) {
                    acknowledged.add(id);
                } else {
                    assertThat(status).isEqualTo(503);
                    refused++;
                }
            }
            assertThat(refused).as("the store filled up").isEqualTo(1);
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> get(server.baseUri().resolve("/health")) == 503);
            assertThat(get(URI.create(server.adminUri() + "/health"))).isEqualTo(503);
            assertThat(get(server.baseUri().resolve("/health/live"))).isEqualTo(200);
            assertThat(metrics()).contains("linegate_store_writable 0.0");
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = send(Ulid.next());
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body()).contains("cannot store webhooks now");
            }

            quota.makeRoom();
            handlersMayRun.countDown();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> get(server.baseUri().resolve("/health")) == 200);
            assertThat(metrics()).contains("linegate_store_writable 1.0");
            String after = Ulid.next();
            assertThat(send(after).statusCode()).isEqualTo(200);
            acknowledged.add(after);
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.stream().allMatch(id -> handled(id) == 1));

            List<ILoggingEvent> store = logs.of("linegate.store");
            assertThat(store).filteredOn(e -> e.getLevel() == Level.ERROR).hasSize(1);
            assertThat(store.get(0).getFormattedMessage()).contains("SQLITE_FULL").contains(" free in ");
            assertThat(logs.events).as("no stack trace, no 'could not journal'")
                    .allMatch(e -> e.getThrowableProxy() == null, "has no stack trace")
                    .noneMatch(e -> e.getFormattedMessage().contains("could not journal"));
        }
    }
}
