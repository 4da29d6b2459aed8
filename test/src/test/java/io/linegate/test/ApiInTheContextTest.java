package io.linegate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.bot.client.base.BlobContent;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.messaging.model.UserProfileResponse;
import com.linecorp.bot.webhook.model.ImageMessageContent;
import io.linegate.messaging.LineApiException;
import io.linegate.store.ApiRequestLog.ApiCall;
import io.linegate.store.TokenStore.StoredToken;
import io.linegate.webhook.EventRouter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ctx.api()} and {@code ctx.blob()}: the official client's surface through linegate's stack, so
 * every call reaches the emulator with the managed token (the kit configures no other) and leaves a
 * line in the API request log; its sends are the handler run's sends.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ApiInTheContextTest {

    @Test
    void profilesContentMulticastsAndErrorsGoThroughTheSendingStack() {
        AtomicReference<String> bob = new AtomicReference<>();
        try (BotTester line = BotTester.start(BotTesterTest.bot(EventRouter.builder()
                .onText("who am i", (ctx, t) -> {
                    UserProfileResponse me = ctx.api().getProfile(ctx.event().source().userId()).get().body();
                    ctx.reply(new TextMessage("You are " + me.displayName()));
                })
                .onText("who is nobody", (ctx, t) -> {
                    try {
                        ctx.api().getProfile("U" + "0".repeat(32)).get();
                    } catch (ExecutionException e) {
                        LineApiException error = (LineApiException) e.getCause();
                        ctx.reply(new TextMessage(error.getClass().getSimpleName() + " " + error.status()));
                    }
                })
                .onText("tell everyone", (ctx, t) -> {
                    ctx.api().multicast(null, new MulticastRequest(List.of(new TextMessage("news")),
                            List.of(ctx.event().source().userId(), bob.get()), false, null)).get();
                    if (ctx.attempt() == 1) {
                        throw new IllegalStateException("fails after the multicast");
                    }
                })
                .onMessage(ImageMessageContent.class, (ctx, image) -> {
                    BlobContent content = ctx.blob().getMessageContent(image.id()).get().body();
                    ctx.reply(new TextMessage("got " + content.byteStream().readAllBytes().length + " bytes of "
                            + content.mimeType()));
                })
                .build()))) {
            TestUser alice = line.friend("Alice");
            bob.set(line.friend("Bob").userId());
            alice.says("who am i").awaitOutcome();
            alice.says("who is nobody").awaitOutcome();
            alice.sendsImage(new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3, 4, 5, 6}).awaitOutcome();
            EventOutcome multicast = alice.says("tell everyone").awaitOutcome();

            assertThat(multicast.doneAfterRetries()).isTrue();
            assertThat(alice.receivedTexts()).containsExactly("You are Alice", "NotFound 404", "got 8 bytes of image/jpeg", "news");
            assertThat(line.user("Carol").received()).isEmpty();
            assertThat(new TestUser(line, bob.get(), "Bob").receivedTexts()).as("once, though the handler ran twice")
                    .containsExactly("news");

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                List<ApiCall> log = line.store().apiRequests().query(Instant.EPOCH, 0, 999, null, 1000);
                assertThat(log).anySatisfy(c -> assertThat(c.endpoint()).isEqualTo("/v2/bot/profile/" + alice.userId()))
                        .anySatisfy(c -> assertThat(c).extracting(ApiCall::endpoint, ApiCall::status)
                                .containsExactly("/v2/bot/profile/U" + "0".repeat(32), 404))
                        .anySatisfy(c -> assertThat(c.endpoint()).endsWith("/content"));
                assertThat(log).filteredOn(c -> c.endpoint().equals("/v2/bot/message/multicast"))
                        .extracting(ApiCall::status).containsExactlyInAnyOrder(200, 409);
            });
            List<StoredToken> tokens = line.server().runtime().tokens().orElseThrow().live();
            assertThat(tokens).as("the managed token the calls were made with").isNotEmpty()
                    .allSatisfy(t -> assertThat(t.kind()).isEqualTo("stateless"));
        }
    }
}
