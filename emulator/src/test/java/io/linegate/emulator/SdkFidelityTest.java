package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.bot.client.base.BlobContent;
import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.BotInfoResponse;
import com.linecorp.bot.messaging.model.BroadcastRequest;
import com.linecorp.bot.messaging.model.MessageQuotaResponse;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.NarrowcastProgressResponse;
import com.linecorp.bot.messaging.model.NarrowcastRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.PushMessageResponse;
import com.linecorp.bot.messaging.model.QuotaType;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageResponse;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.messaging.model.UserProfileResponse;
import com.linecorp.bot.parser.LineSignatureValidator;
import com.linecorp.bot.parser.WebhookParser;
import com.linecorp.bot.webhook.model.CallbackRequest;
import com.linecorp.bot.webhook.model.FollowEvent;
import com.linecorp.bot.webhook.model.ImageMessageContent;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.StickerMessageContent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import com.linecorp.bot.webhook.model.UnknownEvent;
import com.linecorp.bot.webhook.model.UserSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fidelity: the official SDK as a client of the emulator, and the official parser and signature
 * validator consuming its webhooks. If the emulator's shapes drifted from LINE's, these would fail
 * to parse or compare.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SdkFidelityTest {
    static Receiver receiver;
    static Emulator emulator;
    static MessagingApiClient client;
    static MessagingApiBlobClient blob;
    static WebhookParser parser;
    static Http control;

    @BeforeAll
    static void start() {
        receiver = new Receiver();
        emulator = Emulator.builder().webhookUrl(receiver.url()).build().start();
        ChannelInfo ch = emulator.defaultChannel();
        client = MessagingApiClient.builder(ch.accessToken()).apiEndPoint(URI.create(emulator.baseUrl())).build();
        blob = MessagingApiBlobClient.builder(ch.accessToken()).apiEndPoint(URI.create(emulator.baseUrl())).build();
        parser = new WebhookParser(new LineSignatureValidator(ch.channelSecret().getBytes(StandardCharsets.UTF_8)));
        control = new Http(emulator.baseUrl(), null);
    }

    @AfterAll
    static void stop() {
        emulator.close();
        receiver.close();
    }

    static CallbackRequest parse(AggregatedHttpRequest req) throws Exception {
        return parser.handle(req.headers().get("x-line-signature"), req.content().array());
    }

    static String friend(String name) throws Exception {
        String u = control.post("/control/v1/users", "{\"displayName\":\"" + name + "\"}").json().path("userId").asText();
        control.post("/control/v1/users/" + u + "/follow", "");
        CallbackRequest cb = parse(receiver.take());
        assertThat(cb.destination()).isEqualTo(emulator.defaultChannel().botUserId());
        assertThat(cb.events().get(0)).isInstanceOf(FollowEvent.class);
        assertThat(((UserSource) cb.events().get(0).source()).userId()).isEqualTo(u);
        return u;
    }

    @Test
    void parserReadsMessageEventsAndReplyGoesBackThroughTheSdk() throws Exception {
        String u = friend("Alice");
        control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"text\",\"text\":\"hello\"}");
        MessageEvent e = (MessageEvent) parse(receiver.take()).events().get(0);
        assertThat(((TextMessageContent) e.message()).text()).isEqualTo("hello");
        assertThat(e.deliveryContext().isRedelivery()).isFalse();

        Result<ReplyMessageResponse> r = client.replyMessage(new ReplyMessageRequest(e.replyToken(),
                List.of(new TextMessage("hi Alice")), false)).get();
        assertThat(r.body().sentMessages()).hasSize(1);
        assertThat(r.requestId()).isNotBlank();
        assertThat(control.get("/control/v1/users/" + u + "/inbox").json().path("messages").get(0).path("message").path("text").asText())
                .isEqualTo("hi Alice");

        control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"sticker\",\"packageId\":\"446\",\"stickerId\":\"1988\"}");
        MessageEvent sticker = (MessageEvent) parse(receiver.take()).events().get(0);
        assertThat(((StickerMessageContent) sticker.message()).stickerId()).isEqualTo("1988");

        control.post("/control/v1/events", "{\"events\":[{\"type\":\"hologram\",\"source\":{\"type\":\"user\",\"userId\":\"" + u + "\"}}]}");
        assertThat(parse(receiver.take()).events().get(0)).isInstanceOf(UnknownEvent.class);
    }

    @Test
    void pushWithRetryKeyAndConflictThroughTheSdk() throws Exception {
        String u = friend("Bob");
        UUID key = UUID.randomUUID();
        PushMessageRequest push = new PushMessageRequest(u, List.of(new TextMessage("push")), false, null);
        Result<PushMessageResponse> first = client.pushMessage(key, push).get();
        assertThat(first.body().sentMessages()).hasSize(1);
        assertThat(first.body().sentMessages().get(0).id()).matches("\\d+");
        assertThatThrownBy(() -> client.pushMessage(key, push).get())
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("409");
    }

    @Test
    void multicastBroadcastProfileBotInfoQuotaAndLinkToken() throws Exception {
        String u = friend("Carol");
        client.multicast(UUID.randomUUID(), new MulticastRequest(List.of(new TextMessage("multi")), List.of(u), false, null)).get();
        client.broadcast(UUID.randomUUID(), new BroadcastRequest(List.of(new TextMessage("all")), false)).get();
        List<String> vias = control.get("/control/v1/users/" + u + "/inbox").json().path("messages").findValuesAsText("via");
        assertThat(vias).containsExactly("multicast", "broadcast");

        UserProfileResponse profile = client.getProfile(u).get().body();
        assertThat(profile.displayName()).isEqualTo("Carol");
        assertThat(profile.userId()).isEqualTo(u);

        BotInfoResponse info = client.getBotInfo().get().body();
        assertThat(info.userId()).isEqualTo(emulator.defaultChannel().botUserId());
        assertThat(info.chatMode()).isEqualTo(BotInfoResponse.ChatMode.BOT);

        MessageQuotaResponse quota = client.getMessageQuota().get().body();
        assertThat(quota.type()).isEqualTo(QuotaType.NONE);
        assertThat(client.getMessageQuotaConsumption().get().body().totalUsage()).isGreaterThanOrEqualTo(2L);

        assertThat(client.issueLinkToken(u).get().body().linkToken()).hasSize(32);
    }

    @Test
    void narrowcastProgressThroughTheSdk() throws Exception {
        friend("Dave");
        Result<Object> r = client.narrowcast(UUID.randomUUID(), new NarrowcastRequest(List.of(new TextMessage("n")), null, null, null, false)).get();
        String requestId = r.requestId();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                client.getNarrowcastProgress(requestId).get().body().phase() == NarrowcastProgressResponse.Phase.SUCCEEDED);
        NarrowcastProgressResponse p = client.getNarrowcastProgress(requestId).get().body();
        assertThat(p.targetCount()).isGreaterThanOrEqualTo(1L);
        assertThat(p.acceptedTime()).isNotNull();
        assertThat(p.completedTime()).isAfter(p.acceptedTime());
    }

    @Test
    void imageContentThroughTheBlobClient() throws Exception {
        String u = friend("Erin");
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x01, 0x02};
        control.post("/control/v1/users/" + u + "/messages",
                "{\"type\":\"image\",\"contentType\":\"image/jpeg\",\"contentBase64\":\"" + Base64.getEncoder().encodeToString(jpeg) + "\"}");
        MessageEvent e = (MessageEvent) parse(receiver.take()).events().get(0);
        ImageMessageContent image = (ImageMessageContent) e.message();
        BlobContent content = blob.getMessageContent(image.id()).get().body();
        assertThat(content.mimeType()).isEqualTo("image/jpeg");
        assertThat(content.byteStream().readAllBytes()).isEqualTo(jpeg);
    }
}
