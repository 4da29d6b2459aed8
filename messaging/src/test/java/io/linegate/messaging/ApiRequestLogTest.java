package io.linegate.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.store.ApiRequestLog.ApiCall;
import io.linegate.store.Store;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The guidelines' API request log, written by the client for every attempt. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ApiRequestLogTest {
    @TempDir
    Path dir;

    @Test
    void everyAttemptIsLoggedWithItsIdsAndNeverTheToken() throws Exception {
        try (Emulator emulator = Emulator.builder().port(0).start(); Store store = Store.sqlite(dir)) {
            String token = emulator.defaultChannel().accessToken();
            MessageSender sender = MessageSender.builder(URI.create(emulator.baseUrl()), Secret.of(token, "token"))
                    .retries(3, Duration.ofMillis(10), Duration.ofMillis(50))
                    .requestLog(store.apiRequests(), "redacted")
                    .build();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String user = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1/users"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"displayName\":\"A\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("userId").asText();
            http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1/faults"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"endpoint\":\"/v2/bot/message/push\",\"errorRate\":1.0,\"count\":1}"))
                    .build(), HttpResponse.BodyHandlers.discarding());

            SendResult result = sender.push(user, List.of(new TextMessage("a private message")));
            try {
                sender.reply("expired-reply-token", List.of(new TextMessage("late")));
            } catch (LineApiException.BadRequest expected) {
                // logged as well
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> store.apiRequests().query(Instant.EPOCH, 0, 999, null, 10).size() == 3);
            List<ApiCall> calls = store.apiRequests().query(Instant.EPOCH, 0, 999, null, 10); // newest first
            ApiCall failed = calls.get(2);
            ApiCall retried = calls.get(1);
            ApiCall reply = calls.get(0);
            assertThat(failed.endpoint()).isEqualTo("/v2/bot/message/push");
            assertThat(failed.status()).as(String.valueOf(failed)).isEqualTo(500);
            assertThat(failed.attempt()).isEqualTo(1);
            assertThat(failed.error()).contains("message");
            assertThat(retried.status()).isEqualTo(200);
            assertThat(retried.attempt()).isEqualTo(2);
            assertThat(retried.retryKey()).isEqualTo(failed.retryKey()).isEqualTo(result.retryKey().toString());
            assertThat(retried.requestId()).isEqualTo(result.requestId()).isNotEqualTo(failed.requestId());
            assertThat(reply.endpoint()).isEqualTo("/v2/bot/message/reply");
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.retryKey()).isNull();

            assertThat(store.apiRequests().query(Instant.EPOCH, 500, 599, null, 10)).containsExactly(failed);
            assertThat(store.apiRequests().query(Instant.EPOCH, 0, 999, result.requestId(), 10)).containsExactly(retried);
            for (ApiCall c : calls) {
                assertThat(c.toString()).doesNotContain(token).doesNotContain(user).doesNotContain("a private message");
            }
            assertThat(retried.requestBody()).contains("[redacted]").contains("\"type\":\"text\"");
        }
    }

    @Test
    void aReplyRetriedAfterARefusedConnectionIsLoggedWithEachAttemptsNumber() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once closed: every connection is refused
        }
        try (Store store = Store.sqlite(dir)) {
            MessageSender sender = MessageSender.builder(URI.create("http://127.0.0.1:" + closed), Secret.of("token", "token"))
                    .retries(3, Duration.ofMillis(10), Duration.ofMillis(50))
                    .requestLog(store.apiRequests(), "off")
                    .build();
            Throwable refused = catchThrowable(() -> sender.reply("reply-token-0001", List.of(new TextMessage("hello"))));
            assertThat(refused).isInstanceOf(IOException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> store.apiRequests().query(Instant.EPOCH, 0, 999, null, 10).size() == 3);
            List<ApiCall> calls = store.apiRequests().query(Instant.EPOCH, 0, 999, null, 10);
            assertThat(calls).extracting(ApiCall::endpoint).containsOnly("/v2/bot/message/reply");
            assertThat(calls).extracting(ApiCall::status).containsOnly(0);
            assertThat(calls).extracting(ApiCall::attempt).containsExactlyInAnyOrder(1, 2, 3);
        }
    }
}
