package io.linegate.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.messaging.model.BroadcastRequest;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.NarrowcastRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Backoff;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.store.Digests;
import io.linegate.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The sending pipeline: sends as values, interceptors as links, the attempt carried by the send. */
@Timeout(120)
class SendPipelineTest {
    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static final List<Message> HELLO = List.of(new TextMessage("hello"));

    @Test
    void aSendWithoutARetryKeyCannotBeBuiltForTheKeyedEndpoints() {
        assertThatThrownBy(() -> Send.push(null, new PushMessageRequest.Builder("U1", HELLO).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PUSH needs a retry key");
        assertThatThrownBy(() -> Send.multicast(null, new MulticastRequest.Builder(HELLO, List.of("U1")).build()))
                .hasMessageContaining("MULTICAST needs a retry key");
        assertThatThrownBy(() -> Send.broadcast(null, new BroadcastRequest.Builder(HELLO).build()))
                .hasMessageContaining("BROADCAST needs a retry key");
        assertThatThrownBy(() -> Send.narrowcast(null, new NarrowcastRequest.Builder(HELLO).build()))
                .hasMessageContaining("NARROWCAST needs a retry key");
        assertThatThrownBy(() -> new Send(Send.Endpoint.REPLY, new ReplyMessageRequest.Builder("t", HELLO).build(),
                UUID.randomUUID(), null, null, 1)).hasMessageContaining("REPLY takes no retry key");
        assertThatThrownBy(() -> new Send(Send.Endpoint.PUSH, new ReplyMessageRequest.Builder("t", HELLO).build(),
                UUID.randomUUID(), null, null, 1)).hasMessageContaining("PUSH takes a PushMessageRequest");
        UUID key = UUID.randomUUID();
        Send push = Send.push(key, new PushMessageRequest.Builder("U1", HELLO).build());
        assertThat(push.withAttempt(3).retryKey()).as("every attempt keeps the key").isEqualTo(key);
        assertThat(push.toString()).as("never the body").doesNotContain("hello").contains("attempt 1");
    }

    @Test
    void aRetryPassesTheNextAttemptDownTheChainAndA409OnAKeyedSendIsAccepted() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        SendPipeline pipeline = new SendPipeline(List.of(new RetryInterceptor(5, new Backoff(Duration.ZERO, Duration.ZERO),
                RetryInterceptor.Authenticator.NONE)), send -> {
                    seen.add(send.attempt());
                    if (send.attempt() < 3) {
                        throw LineApiException.of(500, "r" + send.attempt(), "flaky");
                    }
                    throw new LineApiException.Conflict(409, "r3", "already accepted", "accepted-1", List.of(new SendResult.SentMessage("m1", null)));
                });
        SendResult r = pipeline.send(Send.push(UUID.randomUUID(), new PushMessageRequest.Builder("U1", HELLO).build()));
        assertThat(seen).containsExactly(1, 2, 3);
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(r.wasAlreadyAccepted()).isTrue();
        assertThat(r.acceptedRequestId()).isEqualTo("accepted-1");
        assertThat(r.sentMessages()).extracting(SendResult.SentMessage::id).containsExactly("m1");

        seen.clear();
        assertThatThrownBy(() -> pipeline.send(Send.reply(new ReplyMessageRequest.Builder("token", HELLO).build())))
                .as("a reply has no retry key: a 500 is not retried").isInstanceOf(LineApiException.ServerError.class);
        assertThat(seen).containsExactly(1);
    }

    @Test
    void linkTokensIssuedThroughTheSenderAndItsClientAreRecordedWithTheirUserAsADigest() throws Exception {
        try (Emulator emulator = Emulator.builder().port(0).start(); Store store = Store.sqlite(dir)) {
            String alice = user(emulator, "Alice");
            String bob = user(emulator, "Bob");
            MessageSender sender = MessageSender.builder(URI.create(emulator.baseUrl()),
                            Secret.of(emulator.defaultChannel().accessToken(), "token"))
                    .recordLinkTokens(store.links()).build();
            List<String> tokens = new ArrayList<>();
            tokens.add(sender.issueLinkToken(alice));
            tokens.add(sender.api().issueLinkToken(bob).get().body().linkToken());

            Instant now = Instant.now();
            assertThat(store.links().linkTokenUser(Digests.sha256(tokens.get(0)), now)).contains(alice);
            assertThat(store.links().linkTokenUser(Digests.sha256(tokens.get(1)), now)).contains(bob);
            assertThat(store.links().linkTokenUser(Digests.sha256(tokens.get(0)), now.plus(Duration.ofMinutes(11))))
                    .as("recorded only for the token's 10 minutes").isEmpty();
            assertThat(store.links().linkTokenUser(tokens.get(0), now)).as("kept as a digest only").isEmpty();
        }
    }

    String user(Emulator emulator, String name) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1/users"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"displayName\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode user = Json.mapper().readTree(res.body());
        String id = user.path("userId").asText();
        http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1/users/" + id + "/follow"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return id;
    }
}
