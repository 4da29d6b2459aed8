package io.linegate.runtime;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.emulator.Emulator;
import io.linegate.messaging.MessageSender;
import io.linegate.store.Store;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.Outbound;
import io.linegate.webhook.WebhookReceiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which failures the dispatcher retries and which it dead-letters at once, with the real sender
 * against the emulator: LINE's answers that a retry cannot change (an invalid reply token, a refused
 * token, a message over LINE's limits) fail the event at once and the user's next event runs; 5xx,
 * 429 and dropped connections are retried until they succeed. The sender itself tries once, so that
 * every failure reaches the dispatcher; the dispatcher's backoff is 2 s, so that a single retry of a
 * failure that cannot succeed would show in the time the conversation takes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FailureClassificationTest {
    static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "secret");

    @TempDir
    Path dir;
    Emulator emulator;
    Store store;
    Dispatcher dispatcher;
    WebhookReceiver receiver;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String user;
    final List<Integer> attempts = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** What the handler does with an event's text: reply, push, or push a text over the limit. */
    void start(UnaryOperator<Emulator.Builder> platform, String token, Duration backoff) throws Exception {
        emulator = platform.apply(Emulator.builder().port(0)).start();
        user = control("POST", "/users", "{\"displayName\":\"Alice\"}").path("userId").asText();
        control("POST", "/users/" + user + "/follow", "{}");
        MessageSender sender = MessageSender.builder(URI.create(emulator.baseUrl()),
                        Secret.of(token == null ? emulator.defaultChannel().accessToken() : token, "token"))
                .retries(1, Duration.ofMillis(10), Duration.ofMillis(10))
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
                .build();
        Outbound outbound = new SenderOutbound(sender);
        store = Store.sqlite(dir);
        dispatcher = Dispatcher.builder(store, ctx -> {
                    String text = Json.mapper().readTree(ctx.rawJson()).path("message").path("text").asText();
                    attempts.add(ctx.attempt());
                    if (text.startsWith("reply")) {
                        ctx.reply(new TextMessage(text));
                    } else if (text.startsWith("too long")) {
                        ctx.push(new TextMessage("x".repeat(5_001)));
                    } else {
                        ctx.push(new TextMessage(text));
                    }
                })
                .outbound(outbound).registry(registry).maxAttempts(5).backoff(backoff, backoff).build().start();
        receiver = new WebhookReceiver(WebhookSignature.of(SECRET), store.journal(), dispatcher::appended, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close(Duration.ofSeconds(5));
            store.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    void send(String... events) {
        byte[] body = body(events);
        assertThat(receiver.receive(body, WebhookSignature.sign(SECRET, body)).join().accepted()).isTrue();
    }

    JsonNode control(String method, String path, String body) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1" + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isBetween(200, 299);
        return res.body().isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
    }

    List<String> inbox() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode m : control("GET", "/users/" + user + "/inbox", null).path("messages")) {
            out.add(m.path("message").path("text").asText());
        }
        return out;
    }

    double processed(String outcome) {
        var c = registry.find("linegate.events.processed").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void anInvalidReplyTokenIsDeadLetteredAtOnceAndTheUsersNextEventRuns() throws Exception {
        start(e -> e, null, Duration.ofSeconds(2));
        send(text(user, "reply with a token the platform never issued"), text(user, "behind it"));
        await().atMost(Duration.ofMillis(1500)).until(() -> inbox().contains("behind it"));
        assertThat(attempts).containsExactly(1, 1);
        assertThat(store.deadLetters().list(10)).singleElement().satisfies(l -> {
            assertThat(l.attempts()).isEqualTo(1);
            assertThat(l.error()).startsWith("not retried, a retry cannot succeed")
                    .contains("LineApiException$BadRequest").contains("HTTP 400");
        });
        assertThat(processed("not_retryable")).isEqualTo(1);
        assertThat(processed("retried")).isZero();
    }

    @Test
    void aMessageOverLinesLimitsIsDeadLetteredAtOnceWithoutBeingSent() throws Exception {
        start(e -> e, null, Duration.ofSeconds(2));
        send(text(user, "too long"), text(user, "behind it"));
        await().atMost(Duration.ofMillis(1500)).until(() -> inbox().contains("behind it"));
        assertThat(inbox()).containsExactly("behind it");
        assertThat(store.deadLetters().list(10)).singleElement().satisfies(l -> assertThat(l.error())
                .startsWith("not retried").contains("messages[0].text"));
    }

    @Test
    void aTokenThePlatformRefusesIsDeadLetteredAtOnce() throws Exception {
        start(e -> e, "not-a-token-the-platform-issued", Duration.ofSeconds(2));
        send(text(user, "first"), text(user, "second"));
        await().atMost(Duration.ofMillis(1500)).until(() -> store.deadLetters().list(10).size() == 2);
        assertThat(attempts).containsExactly(1, 1);
        assertThat(store.deadLetters().list(10)).allSatisfy(l -> assertThat(l.error()).contains("HTTP 401"));
    }

    @Test
    void serverErrorsAreRetriedUntilTheySucceed() throws Exception {
        start(e -> e, null, Duration.ofMillis(50));
        control("POST", "/faults", "{\"endpoint\":\"/v2/bot/message/push\",\"errorRate\":1.0,\"count\":2}");
        send(text(user, "after two 500s"));
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox().contains("after two 500s"));
        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(inbox()).containsExactly("after two 500s");
        assertThat(store.deadLetters().list(10)).isEmpty();
        assertThat(processed("retried")).isEqualTo(2);
    }

    @Test
    void droppedConnectionsAreRetriedUntilTheySucceed() throws Exception {
        start(e -> e, null, Duration.ofMillis(50));
        control("POST", "/faults", "{\"endpoint\":\"/v2/bot/message/push\",\"resetRate\":1.0,\"count\":4}");
        send(text(user, "after resets"));
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox().contains("after resets"));
        assertThat(attempts.size()).as("at least one reset reached the dispatcher").isGreaterThan(1);
        assertThat(store.deadLetters().list(10)).isEmpty();
    }

    @Test
    void aRateLimitedPushIsRetriedUntilTheLimitAllowsIt() throws Exception {
        // The push limit scaled to one request per second: the second push in a row is answered 429.
        start(e -> e.rateLimitScale(1.0 / 2_000), null, Duration.ofMillis(600));
        send(text(user, "one"), text(user, "two"));
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox().size() == 2);
        assertThat(inbox()).containsExactly("one", "two");
        assertThat(attempts.size()).as("the second push was answered 429 at least once, then retried").isGreaterThan(2);
        assertThat(store.deadLetters().list(10)).isEmpty();
    }
}
