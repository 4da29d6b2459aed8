package io.linegate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.messaging.MessageSender;
import io.linegate.store.Cluster;
import io.linegate.webhook.HandlerRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handler run's sends check that the run may still send before every attempt, not only when the send
 * is made: a retry that comes after this node's lease on the event's partition ran out (a long backoff, a
 * pause of the process) does not reach LINE, where the node now handling the event sends it itself.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LeaseCheckedSendsTest {
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Emulator emulator;
    MessageSender sender;
    String user;

    @BeforeEach
    void start() throws Exception {
        emulator = Emulator.builder().port(0).build().start();
        user = control("POST", "/users", "{\"displayName\":\"Alice\"}").path("userId").asText();
        control("POST", "/users/" + user + "/follow", "{}");
        sender = MessageSender.builder(URI.create(emulator.baseUrl()), Secret.of(emulator.defaultChannel().accessToken(), "token"))
                .retries(3, Duration.ofMillis(10), Duration.ofMillis(10))
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
                .build();
        control("POST", "/faults", "{\"endpoint\":\"/v2/bot/message/push\",\"errorRate\":1.0,\"count\":1}"); // the first attempt: 500
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void aRetryWhileTheLeaseIsHeldIsSent() throws Exception {
        Run run = new Run(Integer.MAX_VALUE);
        push(run, "still ours").join();
        assertThat(inbox()).containsExactly("still ours");
        assertThat(run.checks.get()).as("checked when made and before each of its two attempts").isEqualTo(3);
    }

    @Test
    void aRetryAfterTheLeaseRanOutIsNotSent() throws Exception {
        Run run = new Run(2); // allowed when the send is made and for its first attempt; the lease runs out in the backoff
        assertThatThrownBy(() -> push(run, "taken over").join()).hasRootCauseInstanceOf(Cluster.LeaseLostException.class);
        assertThat(inbox()).as("the attempt after the lease ran out never reached LINE").isEmpty();
    }

    CompletableFuture<?> push(Run run, String text) {
        MessagingApiClient api = new SenderOutbound(sender).api(run);
        return api.pushMessage(null, new PushMessageRequest.Builder(user, List.of(new TextMessage(text))).build());
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

    /** A handler run whose node holds the event's partition for its first {@code allowed} checks, and then no longer. */
    final class Run implements HandlerRun {
        final AtomicInteger checks = new AtomicInteger();
        final AtomicInteger sends = new AtomicInteger();
        final int allowed;

        Run(int allowed) {
            this.allowed = allowed;
        }

        @Override
        public String eventId() {
            return "01JLEASECHECKEDSENDS0000001";
        }

        @Override
        public Optional<String> conversation() {
            return Optional.of(user);
        }

        @Override
        public int nextSend() {
            return sends.getAndIncrement();
        }

        @Override
        public UUID retryKey(int position, String kind, String recipient) {
            return UUID.nameUUIDFromBytes((eventId() + position + kind + recipient).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public Optional<AcceptedReply> earlierReply(int position) {
            return Optional.empty();
        }

        @Override
        public void recordReply(int position, String requestId, JsonNode sentMessages) {
        }

        @Override
        public void checkSendingAllowed() {
            if (checks.incrementAndGet() > allowed) {
                throw new Cluster.LeaseLostException("the lease on the event's partition ran out");
            }
        }
    }
}
