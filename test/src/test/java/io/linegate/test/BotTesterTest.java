package io.linegate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.bot.messaging.model.StickerMessage;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.StickerMessageContent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.EventRouter;
import io.linegate.webhook.Outcome;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The test kit itself: a bot against the in-process emulator, what users send, what they get, what became of it. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BotTesterTest {

    static Bot bot(EventHandler handler) {
        return new Bot() {
            @Override public String name() { return "test"; }
            @Override public EventHandler handler() { return handler; }
        };
    }

    /** A bot whose handler sees the text messages (a friend's follow event is not its business). */
    static Bot onText(EventHandler handler) {
        return bot(EventRouter.builder().onMessage(TextMessageContent.class, (ctx, text) -> handler.handle(ctx)).build());
    }

    static final Bot CHATTY = bot(EventRouter.builder()
            .onFollow((ctx, f) -> ctx.reply(new TextMessage("welcome")))
            .onMessage(TextMessageContent.class, (ctx, t) -> {
                ctx.reply(new TextMessage("echo: " + t.text()));
                ctx.push(new TextMessage("and a push"));
            })
            .onMessage(StickerMessageContent.class, (ctx, s) -> ctx.reply(new StickerMessage("446", "1988")))
            .onPostback("buy:", (ctx, p) -> ctx.reply(new TextMessage("bought " + p.postback().data().substring(4))))
            .build());

    @Test
    void aFollowATextAStickerAndAPostbackReachTheBotAndItsMessagesReachTheUserInOrder() {
        try (BotTester line = BotTester.start(CHATTY)) {
            TestUser alice = line.user("Alice");
            assertThat(alice.follow().awaitOutcome().doneFirstTime()).isTrue();
            EventOutcome said = alice.says("hi").awaitOutcome();
            assertThat(said.status()).isEqualTo(EventOutcome.Status.DONE);
            assertThat(said.outcome()).isEqualTo("handled");
            assertThat(said.attempts()).isEqualTo(1);
            alice.sendsSticker("11537", "52002734").awaitOutcome();
            alice.postback("buy:tea").awaitOutcome();
            assertThat(alice.received()).extracting(Received::toString).containsExactly(
                    "reply: welcome", "reply: echo: hi", "push: and a push", "reply: sticker 446/1988", "reply: bought tea");
            assertThat(alice.received().get(3).message()).isInstanceOf(StickerMessage.class);
            assertThat(line.user("Bob").received()).isEmpty();
        }
    }

    @Test
    void anEventThatFailsOnceIsDoneAfterARetry() {
        try (BotTester line = BotTester.start(onText(ctx -> {
            if (ctx.attempt() == 1) {
                throw new IllegalStateException("the database blinked");
            }
            ctx.reply(new TextMessage("ok on attempt " + ctx.attempt()));
        }))) {
            TestUser alice = line.friend("Alice");
            EventOutcome outcome = alice.says("x").awaitOutcome();
            assertThat(outcome.doneAfterRetries()).isTrue();
            assertThat(outcome.attempts()).isEqualTo(2);
            assertThat(outcome.failures()).containsExactly("java.lang.IllegalStateException: the database blinked");
            assertThat(alice.receivedTexts()).containsExactly("ok on attempt 2");
        }
    }

    @Test
    void anEventThatKeepsFailingIsDeadLetteredWithItsReason() {
        try (BotTester line = BotTester.builder(bot(ctx -> {
            throw new IllegalStateException("always down");
        })).maxAttempts(3).start()) {
            EventOutcome outcome = line.user("Alice").says("x").awaitOutcome();
            assertThat(outcome.status()).isEqualTo(EventOutcome.Status.DEAD_LETTERED);
            assertThat(outcome.attempts()).isEqualTo(3);
            assertThat(outcome.failures()).hasSize(3);
            assertThat(outcome.deadLetterError()).contains("always down");
        }
    }

    @Test
    void anOutcomeGivenByMiddlewareIsReported() {
        try (BotTester line = BotTester.builder(bot(ctx -> ctx.reply(new TextMessage("never"))))
                .server(s -> s.use((ctx, chain) -> Outcome.completed("not_allowed"))).start()) {
            TestUser alice = line.friend("Alice");
            EventOutcome outcome = alice.says("x").awaitOutcome();
            assertThat(outcome.outcome()).isEqualTo("not_allowed");
            assertThat(alice.received()).isEmpty();
        }
    }

    @Test
    void anEventStillOnItsWayAfterTheTimeoutFailsTheTestSayingWhere() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (BotTester line = BotTester.builder(bot(ctx -> release.await(10, TimeUnit.SECONDS)))
                .timeout(Duration.ofMillis(300)).start()) {
            SentEvent event = line.user("Alice").says("x");
            assertThatThrownBy(event::awaitOutcome).isInstanceOf(AssertionError.class)
                    .hasMessageContaining(event.eventId()).hasMessageContaining("still PENDING");
            release.countDown();
            assertThat(event.awaitOutcome().status()).isEqualTo(EventOutcome.Status.DONE);
        }
    }
}
