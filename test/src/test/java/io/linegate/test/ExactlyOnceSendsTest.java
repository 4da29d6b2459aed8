package io.linegate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.store.ApiRequestLog.ApiCall;
import io.linegate.webhook.NotRetryableException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sends stay exactly once per event when the handler runs again for it: a retry after a throw, a
 * redelivery handled again, a reply whose fallback would push. (After SIGKILL: {@link ExactlyOnceAfterKillTest}.)
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExactlyOnceSendsTest {

    static List<ApiCall> calls(BotTester line, String endpoint) {
        return line.store().apiRequests().query(Instant.EPOCH, 0, 999, null, 1000).stream()
                .filter(c -> c.endpoint().equals(endpoint)).toList();
    }

    @Test
    void aHandlerThatPushesTwiceAndThrowsTwiceSendsEachPushOnceAndTheThirdOnlyAfterSuccess() throws Exception {
        CountDownLatch inThirdAttempt = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        try (BotTester line = BotTester.start(BotTesterTest.onText(ctx -> {
            ctx.reply(new TextMessage("reply"));
            ctx.push(new TextMessage("push 1"));
            ctx.push(new TextMessage("push 2"));
            if (ctx.attempt() < 3) {
                throw new IllegalStateException("failing attempt " + ctx.attempt());
            }
            inThirdAttempt.countDown();
            assertThat(finish.await(10, TimeUnit.SECONDS)).isTrue();
            ctx.push(new TextMessage("push 3"));
        }))) {
            TestUser alice = line.friend("Alice");
            SentEvent event = alice.says("go");
            assertThat(inThirdAttempt.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(alice.receivedTexts()).as("after three runs of the first sends, before the third push")
                    .containsExactly("reply", "push 1", "push 2");

            finish.countDown();
            EventOutcome outcome = event.awaitOutcome();
            assertThat(outcome.status()).isEqualTo(EventOutcome.Status.DONE);
            assertThat(outcome.attempts()).isEqualTo(3);
            assertThat(outcome.failures()).hasSize(2);
            assertThat(alice.receivedTexts()).containsExactly("reply", "push 1", "push 2", "push 3");

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> { // the request log is written asynchronously
                List<ApiCall> pushes = calls(line, "/v2/bot/message/push");
                assertThat(pushes).extracting(ApiCall::status).as("first sends 200, the repeats 409 (already accepted)")
                        .containsExactlyInAnyOrder(200, 200, 409, 409, 409, 409, 200);
                assertThat(pushes.stream().map(ApiCall::retryKey).distinct()).hasSize(3);
            });
            assertThat(calls(line, "/v2/bot/message/reply")).as("the accepted reply is not tried again").hasSize(1);
        }
    }

    @Test
    void aReplyAcceptedBeforeAFailureIsNeitherRepeatedNorReplacedByAFallbackPush() {
        try (BotTester line = BotTester.builder(BotTesterTest.onText(ctx -> {
            ctx.reply(new TextMessage("only once"));
            if (ctx.attempt() == 1) {
                throw new IllegalStateException("after the reply");
            }
        })).runtime(r -> r.pushWhenReplyFails(true)).start()) {
            TestUser alice = line.friend("Alice");
            EventOutcome outcome = alice.says("go").awaitOutcome();
            assertThat(outcome.doneAfterRetries()).isTrue();
            assertThat(alice.received()).extracting(Received::toString).containsExactly("reply: only once");
            assertThat(calls(line, "/v2/bot/message/push")).isEmpty();
        }
    }

    @Test
    void aDeadLetterTheFailurePolicyGaveUpOnAndTheOperatorReplayedSendsNothingTwice() {
        AtomicInteger runs = new AtomicInteger();
        try (BotTester line = BotTester.start(BotTesterTest.onText(ctx -> {
            ctx.push(new TextMessage("order received"));
            if (runs.incrementAndGet() == 1) {
                throw new NotRetryableException("the catalogue refused the order");
            }
            ctx.push(new TextMessage("order confirmed"));
        }))) {
            TestUser alice = line.friend("Alice");
            EventOutcome first = alice.says("order tea").awaitOutcome();
            assertThat(first.status()).isEqualTo(EventOutcome.Status.DEAD_LETTERED);
            assertThat(first.attempts()).as("not retried: the failure policy dead-letters it at once").isEqualTo(1);

            long letter = line.store().deadLetters().list(10).get(0).id();
            assertThat(line.store().deadLetters().replay(letter).join()).isPresent();
            line.server().dispatcher().wake();
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2 && line.store().journal().pending(0, 10).isEmpty());

            assertThat(alice.receivedTexts()).containsExactly("order received", "order confirmed");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(calls(line, "/v2/bot/message/push"))
                    .extracting(ApiCall::status).as("the replay's first push repeats the key: 409")
                    .containsExactlyInAnyOrder(200, 409, 200));
        }
    }

    @Test
    void anEventHandledAgainAfterItsIdWasForgottenSendsNothingTwice() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<String> raw = new AtomicReference<>();
        AtomicReference<String> destination = new AtomicReference<>();
        try (BotTester line = BotTester.start(BotTesterTest.onText(ctx -> {
            raw.set(ctx.rawJson());
            destination.set(ctx.destination());
            ctx.push(new TextMessage("a"));
            ctx.push(new TextMessage("b"));
            runs.incrementAndGet();
        }))) {
            TestUser alice = line.friend("Alice");
            alice.says("go").awaitOutcome();
            assertThat(alice.receivedTexts()).containsExactly("a", "b");

            // Past the dedupe window, LINE redelivers the same event (same webhookEventId): it is handled again.
            line.store().journal().forgetSeenBefore(Instant.now().plusSeconds(1)).join();
            byte[] body = ("{\"destination\":\"" + destination.get() + "\",\"events\":["
                    + raw.get().replace("\"isRedelivery\":false", "\"isRedelivery\":true") + "]}").getBytes(StandardCharsets.UTF_8);
            Secret secret = Secret.of(line.channel().channelSecret(), "channel secret");
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            line.server().baseUri().resolve("/webhook"))
                    .header("x-line-signature", WebhookSignature.sign(secret, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2 && line.server().dispatcher().backlog() == 0);

            assertThat(alice.receivedTexts()).containsExactly("a", "b");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(calls(line, "/v2/bot/message/push"))
                    .extracting(ApiCall::status).containsExactlyInAnyOrder(200, 200, 409, 409));
        }
    }
}
