package io.linegate.server;

import io.linegate.runtime.WarmUp;
import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import io.linegate.core.Secret;
import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node takes traffic only once its acknowledgement path is warm. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WarmUpTest {
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

    int get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    HttpResponse<String> send(String eventId) throws Exception {
        byte[] body = body(text(user(1), eventId, "hello", false));
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve("/webhook")).timeout(Duration.ofSeconds(10))
                        .header("x-line-signature", WebhookSignature.sign(SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    boolean handled(String eventId) {
        return bot.handled.stream().anyMatch(c -> c.rawJson().contains(eventId));
    }

    @Test
    void healthIsNotReadyAndWebhooksAreRefusedUntilTheWarmUpEnds() throws Exception {
        Set<Path> scratchBefore = scratchDirectories();
        server = LinegateServer.builder(bot, SECRET).host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).dataDir(dir)
                .warmUp(new WarmUp.Settings(Duration.ofSeconds(3), Duration.ofSeconds(20), Duration.ofMillis(10)))
                .build();
        CompletableFuture<LinegateServer> started = CompletableFuture.supplyAsync(server::start);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> server.port() > 0);

        String during = Ulid.next();
        assertThat(started).as("the warm-up lasts at least 3 s").isNotDone();
        assertThat(get("/health")).as("ready?").isEqualTo(503);
        assertThat(get("/health/live")).as("live?").isEqualTo(200);
        HttpResponse<String> refused = send(during);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("starting");
        byte[] guessed = body(text(user(2), Ulid.next(), "hello", false));
        int withAGuessedToken = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/webhook"))
                        .header("x-line-signature", WebhookSignature.sign(SECRET, guessed))
                        .header(WarmUp.HEADER, "0123456789abcdef0123456789abcdef")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(guessed)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(withAGuessedToken).as("a guessed warm-up token is refused like any request").isEqualTo(503);
        assertThat(server.ready()).isFalse();
        assertThat(started).as("these answers came during the warm-up").isNotDone();

        started.get(30, TimeUnit.SECONDS);
        assertThat(get("/health")).isEqualTo(200);
        String after = Ulid.next();
        assertThat(send(after).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> handled(after));
        // One user's events are handled in order: had the refused one been kept, it would come first.
        assertThat(handled(during)).as("refused during the warm-up, so never kept").isFalse();
        assertThat(bot.handled).as("the warm-up's synthetic webhooks never reach the bot").hasSize(1);
        assertThat(scratchDirectories()).as("the scratch store is removed").isSubsetOf(scratchBefore);
    }

    @Test
    void theWarmUpGoesThroughTheNodesOwnTlsListenerWithoutReachingItsBotOrItsLog() throws Exception {
        server = LinegateServer.builder(bot, SECRET).host("127.0.0.1").port(0).tls(ServerTls.selfSigned()).dataDir(dir)
                .adminPort(0).warmUp(new WarmUp.Settings(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMillis(10)))
                .build().start();
        assertThat(server.ready()).isTrue();
        WarmUp.Result result = server.lastWarmUp();
        assertThat(result.requests()).as("webhooks acknowledged through the node's listener").isGreaterThan(0);
        assertThat(result.acknowledged()).as("each answered 200 by the scratch store").isEqualTo(result.requests());
        assertThat(result.lastRoundP99()).isPositive();
        assertThat(bot.handled).isEmpty();
        // The admin listener has the node's self-signed certificate too.
        String metrics = WebClient.builder(server.adminUri())
                .factory(ClientFactory.insecure()).build()
                .get("/metrics").aggregate().join().contentUtf8();
        assertThat(metrics).as("the synthetic requests are not counted as webhooks")
                .doesNotContain("linegate_webhook_requests_total{status=\"200\"");
    }

    private static Set<Path> scratchDirectories() throws IOException {
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return tmp.filter(p -> p.getFileName().toString().startsWith("linegate-warm-up")).collect(Collectors.toSet());
        }
    }
}
