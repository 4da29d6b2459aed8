package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A stop under load answers what it took in, finishes running handlers, and keeps the rest for next time. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GracefulShutdownTest {
    static final Secret SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee01", "LINE_CHANNEL_SECRET");

    @TempDir
    Path dir;

    static Bot slowBot(Set<String> handled) {
        return new Bot() {
            @Override public String name() { return "slow"; }
            @Override public EventHandler handler() {
                return ctx -> {
                    Thread.sleep(100); // 20 events per second with 2 workers: a backlog is certain
                    handled.add(ctx.rawJson());
                };
            }
        };
    }

    LinegateServer start(Set<String> handled) {
        return LinegateServer.builder(slowBot(handled), SECRET).host("127.0.0.1").port(0)
                .tls(ServerTls.insecureHttp()).dataDir(dir).drain(Duration.ofSeconds(2))
                .dispatcher(d -> d.workers(2)).build().start();
    }

    @Test
    void stoppingKeepsAcknowledgedButUnhandledEventsForTheNextStart() throws Exception {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        LinegateServer server = start(handled);
        HttpClient http = HttpClient.newHttpClient();
        URI webhook = URI.create(server.baseUri() + "/webhook");
        List<CompletableFuture<HttpResponse<Void>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] body = body(text(user(i % 10), "e" + i));
            inFlight.add(http.sendAsync(HttpRequest.newBuilder(webhook)
                    .header("x-line-signature", WebhookSignature.sign(SECRET, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()));
        }
        int sent = 0;
        for (var f : inFlight) {
            assertThat(f.join().statusCode()).isEqualTo(200);
            sent++;
        }
        server.close();
        int handledBeforeStop = handled.size();
        assertThat(handledBeforeStop).as("the stop came with a backlog").isLessThan(sent);

        LinegateServer again = start(handled);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 100);
            await().atMost(Duration.ofSeconds(5)).until(() -> again.dispatcher().backlog() == 0);
        } finally {
            again.close();
        }
    }
}
