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
import io.linegate.store.Store;
import io.linegate.store.postgres.SmallDiskPostgres;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL store whose disk fills up (a tablespace on a small tmpfs that the test mounts, filled by
 * webhooks) makes the server not ready and webhooks 503, in one line without a stack trace; once space
 * is freed it is ready again by itself, and every webhook it acknowledged is handled once.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FullPostgresStoreServerTest {
    static final Secret SECRET = Secret.of("0a7a6e0a7a6e0a7a6e0a7a6e0a7a6e01", "LINE_CHANNEL_SECRET");
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
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
    LinegateServer server;
    int sent;

    HttpResponse<String> send(String eventId) throws Exception {
        // Text that does not compress, so that PostgreSQL stores every byte of it; many users, as the
        // flood limit (120 events a minute from one source) would hold one back.
        byte[] noise = new byte[3_000];
        RANDOM.nextBytes(noise);
        byte[] body = body(text(user(++sent), eventId, Base64.getEncoder().encodeToString(noise), false));
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
    void aFullTablespaceMakesTheServerNotReadyUntilSpaceIsFreedAndLosesNothingItAcknowledged() throws Exception {
        try (SmallDiskPostgres disk = SmallDiskPostgres.mount(dir, 32L * 1024 * 1024); Store store = disk.open()) {
            server = LinegateServer.builder(bot, SECRET).host("127.0.0.1").port(0).tls(ServerTls.insecureHttp())
                    .store(store).adminPort(0).build().start();
            try (CapturedLogs logs = CapturedLogs.capture()) {
                disk.leaveFree(1024 * 1024);
                List<String> acknowledged = new ArrayList<>();
                int refused = 0;
                for (int i = 0; i < 2_000 && refused == 0; i++) {
                    String id = Ulid.next();
                    int status = send(id).statusCode();
                    if (status == 200) {
                        acknowledged.add(id);
                    } else {
                        assertThat(status).isEqualTo(503);
                        refused++;
                    }
                }
                assertThat(refused).as("the tablespace's disk filled up (%d bytes free)", disk.freeBytes()).isEqualTo(1);
                assertThat(acknowledged).isNotEmpty();
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
                // Still not ready a few probes later: the probe needs room too.
                Thread.sleep(2_500);
                assertThat(get(server.baseUri().resolve("/health"))).isEqualTo(503);

                disk.makeRoom();
                handlersMayRun.countDown();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> get(server.baseUri().resolve("/health")) == 200);
                assertThat(metrics()).contains("linegate_store_writable 1.0");
                for (int i = 0; i < 10; i++) {
                    String after = Ulid.next();
                    assertThat(send(after).statusCode()).isEqualTo(200);
                    acknowledged.add(after);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.stream().allMatch(id -> handled(id) == 1));

                List<ILoggingEvent> storeLines = logs.of("linegate.store");
                assertThat(storeLines).as("one line when it stopped, one when it could write again")
                        .extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR, Level.WARN);
                assertThat(storeLines.get(0).getFormattedMessage()).contains("disk is full (disk_full)")
                        .contains("No space left on device").doesNotContain("INSERT");
                assertThat(logs.events).as("no stack trace, no 'could not journal'")
                        .allMatch(e -> e.getThrowableProxy() == null, "has no stack trace")
                        .noneMatch(e -> e.getFormattedMessage().contains("could not journal"));
            } finally {
                handlersMayRun.countDown();
                server.close();
            }
        }
    }
}
