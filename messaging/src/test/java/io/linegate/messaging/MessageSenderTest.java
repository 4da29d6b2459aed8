package io.linegate.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sending against the emulator, with the faults the guidelines say to expect. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MessageSenderTest {
    Emulator emulator;
    MessageSender sender;
    String user;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        emulator = Emulator.builder().port(0).start();
        sender = MessageSender.builder(URI.create(emulator.baseUrl()), Secret.of(emulator.defaultChannel().accessToken(), "token"))
                .retries(5, Duration.ofMillis(20), Duration.ofMillis(200))
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(1))
                .build();
        user = control("POST", "/users", "{\"displayName\":\"Alice\"}").path("userId").asText();
        control("POST", "/users/" + user + "/follow", "{}");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    JsonNode control(String method, String path, String body) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1" + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isBetween(200, 299);
        return res.body().isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
    }

    List<String> inboxTexts() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode m : control("GET", "/users/" + user + "/inbox", null).path("messages")) {
            out.add(m.path("message").path("text").asText());
        }
        return out;
    }

    @Test
    void aPushWhoseResponseIsLostIsRetriedWithTheSameKeyAndDeliveredOnce() throws Exception {
        control("POST", "/faults", "{\"endpoint\":\"/v2/bot/message/push\",\"acceptedButLostRate\":1.0,\"count\":1}");
        UUID key = UUID.randomUUID();
        SendResult result = sender.push(key, user, List.of(new TextMessage("exactly once")));
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.retryKey()).isEqualTo(key);
        assertThat(result.wasAlreadyAccepted()).isTrue();
        assertThat(result.acceptedRequestId()).isNotBlank().isNotEqualTo(result.requestId());
        assertThat(result.sentMessages()).hasSize(1);
        assertThat(inboxTexts()).containsExactly("exactly once");
    }

    @Test
    void aPushAnswered500IsRetriedAndDeliveredOnce() throws Exception {
        control("POST", "/faults", "{\"endpoint\":\"/v2/bot/message/push\",\"errorRate\":1.0,\"count\":2}");
        SendResult result = sender.push(user, List.of(new TextMessage("after two 500s")));
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.wasAlreadyAccepted()).isFalse();
        assertThat(inboxTexts()).containsExactly("after two 500s");
    }

    @Test
    void everyAttemptsAnswerIsCountedByEndpointAndClassAgainstLinesLimit() throws Exception {
        control("POST", "/faults", "{\"endpoint\":\"/v2/bot/message/push\",\"errorRate\":1.0,\"count\":2}");
        sender.push(user, List.of(new TextMessage("after two 500s")));
        control("POST", "/faults", "{\"endpoint\":\"/v2/bot/message/push\",\"acceptedButLostRate\":1.0,\"count\":1}");
        sender.push(user, List.of(new TextMessage("lost, then 409")));
        sender.api().getProfile(user).get();

        LineFigures.Endpoint push = endpoint("POST /v2/bot/message/push");
        assertThat(push.limit()).isEqualTo("2000/second");
        assertThat(push.limitPerSecond()).isEqualTo(2000.0);
        assertThat(LineFigures.CLASSES).extracting(push::answers).containsExactly(1L, 0L, 1L, 2L, 1L, 0L);
        LineFigures.Endpoint profile = endpoint("GET /v2/bot/profile/{id}");
        assertThat(profile.answers("2xx")).isEqualTo(1);
        assertThat(sender.lineFigures().endpoints()).hasSize(2);
    }

    LineFigures.Endpoint endpoint(String name) {
        return sender.lineFigures().endpoints().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aPushThatKeepsFailingGivesUpWithATypedError() throws Exception {
        control("POST", "/faults", "{\"endpoint\":\"/v2/bot/message/push\",\"errorRate\":1.0,\"count\":10}");
        assertThatThrownBy(() -> sender.push(user, List.of(new TextMessage("never"))))
                .isInstanceOf(LineApiException.ServerError.class);
        assertThat(inboxTexts()).isEmpty();
    }

    @Test
    void resendingAnAcceptedKeyDoesNotSendTwice() throws Exception {
        UUID key = UUID.randomUUID();
        SendResult first = sender.push(key, user, List.of(new TextMessage("once")));
        SendResult again = sender.push(key, user, List.of(new TextMessage("once")));
        assertThat(first.wasAlreadyAccepted()).isFalse();
        assertThat(again.wasAlreadyAccepted()).isTrue();
        assertThat(again.acceptedRequestId()).isEqualTo(first.requestId());
        assertThat(inboxTexts()).containsExactly("once");
    }

    @Test
    void errorsAreTypedByStatusAndAnInvalidReplyIsNotRetried() throws Exception {
        assertThatThrownBy(() -> sender.reply("no-such-reply-token", List.of(new TextMessage("x"))))
                .isInstanceOf(LineApiException.BadRequest.class)
                .satisfies(e -> assertThat(((LineApiException) e).requestId()).isNotBlank());
        MessageSender badToken = MessageSender.create(URI.create(emulator.baseUrl()), Secret.of("not-a-valid-token-0000", "t"));
        assertThatThrownBy(() -> badToken.push(user, List.of(new TextMessage("x"))))
                .isInstanceOf(LineApiException.Unauthorized.class);
        assertThat(inboxTexts()).isEmpty();
    }

    @Test
    void anExpiredReplyTokenCanFallBackToAPushWhenConfigured() throws Exception {
        MessageSender strict = sender;
        MessageSender lenient = MessageSender.builder(URI.create(emulator.baseUrl()),
                Secret.of(emulator.defaultChannel().accessToken(), "token")).pushWhenReplyFails(true).build();
        assertThatThrownBy(() -> strict.reply("expired-token", user, List.of(new TextMessage("strict"))))
                .isInstanceOf(LineApiException.BadRequest.class);
        SendResult pushed = lenient.reply("expired-token", user, List.of(new TextMessage("pushed instead")));
        assertThat(pushed.retryKey()).isNotNull();
        assertThat(inboxTexts()).containsExactly("pushed instead");
    }

    @Test
    void aRequestBreakingALimitIsNeverSent() throws Exception {
        assertThatThrownBy(() -> sender.push(user, List.of(new TextMessage(""))))
                .isInstanceOf(RequestLimitException.class)
                .hasMessageContaining("messages[0].text");
        assertThat(inboxTexts()).isEmpty();
    }
}
