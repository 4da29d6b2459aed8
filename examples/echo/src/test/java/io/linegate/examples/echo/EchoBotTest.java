package io.linegate.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.StickerMessage;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.store.Store;
import io.linegate.webhook.Bot;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.Outbound;
import io.linegate.webhook.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EchoBotTest {
    static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "secret");
    static final String USER = "U1111111111111111111111111111111a";

    @TempDir
    Path dir;

    @Test
    void isFoundByName() {
        assertThat(ServiceLoader.load(Bot.class).stream().map(p -> p.get().name())).contains("echo");
    }

    @Test
    void echoesTextAnswersStickersGreetsAndIgnoresTheUnknown() {
        List<String> replies = new CopyOnWriteArrayList<>();
        Outbound outbound = new Outbound() {
            @Override
            public void reply(String token, String to, List<Message> messages) {
                for (Message m : messages) {
                    replies.add(token + " " + (m instanceof TextMessage ? ((TextMessage) m).text()
                            : "sticker " + ((StickerMessage) m).packageId() + "/" + ((StickerMessage) m).stickerId()));
                }
            }

            @Override
            public void push(String to, List<Message> messages) {
                throw new AssertionError("echo never pushes");
            }
        };
        try (Store store = Store.sqlite(dir);
             Dispatcher dispatcher = Dispatcher.builder(store, new EchoBot().handler()).outbound(outbound).build().start()) {
            WebhookReceiver receiver = new WebhookReceiver(WebhookSignature.of(SECRET), store.journal(), dispatcher::appended,
                    Clock.systemUTC());
            String common = ",\"timestamp\":1,\"mode\":\"active\",\"deliveryContext\":{\"isRedelivery\":false},"
                    + "\"source\":{\"type\":\"user\",\"userId\":\"" + USER + "\"}";
            byte[] body = ("{\"destination\":\"Ubot\",\"events\":["
                    + "{\"type\":\"follow\",\"follow\":{\"isUnblocked\":false},\"replyToken\":\"r1\",\"webhookEventId\":\"01J00000000000000000000001\"" + common + "},"
                    + "{\"type\":\"message\",\"message\":{\"type\":\"text\",\"id\":\"1\",\"quoteToken\":\"q\",\"text\":\"hello\"},\"replyToken\":\"r2\",\"webhookEventId\":\"01J00000000000000000000002\"" + common + "},"
                    + "{\"type\":\"message\",\"message\":{\"type\":\"sticker\",\"id\":\"2\",\"quoteToken\":\"q\",\"packageId\":\"1\",\"stickerId\":\"2\",\"stickerResourceType\":\"STATIC\"},\"replyToken\":\"r3\",\"webhookEventId\":\"01J00000000000000000000003\"" + common + "},"
                    + "{\"type\":\"teleport\",\"replyToken\":\"r4\",\"webhookEventId\":\"01J00000000000000000000004\"" + common + "}"
                    + "]}").getBytes(StandardCharsets.UTF_8);
            assertThat(receiver.receive(body, WebhookSignature.sign(SECRET, body)).join().accepted()).isTrue();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> replies.size() == 3
                    && store.journal().pending(0, 10).isEmpty());
            assertThat(replies).containsExactly(
                    "r1 Thanks for adding me! Send me a message and I will send it back.",
                    "r2 hello",
                    "r3 sticker 446/1988");
        }
    }

    @Test
    void aLocationIsEchoedWithATitleAndAnAddressEvenWhenTheUserSentNone() {
        com.linecorp.bot.messaging.model.LocationMessage named = EchoBot.echo(
                new com.linecorp.bot.webhook.model.LocationMessageContent("1", "Tokyo Tower", "Minato", 35.6586, 139.7454, null));
        assertThat(named.title()).isEqualTo("Tokyo Tower");
        assertThat(named.address()).isEqualTo("Minato");
        com.linecorp.bot.messaging.model.LocationMessage bare = EchoBot.echo(
                new com.linecorp.bot.webhook.model.LocationMessageContent("2", null, null, 35.5, 139.5, null));
        assertThat(bare.title()).isEqualTo("Location");
        assertThat(bare.address()).isEqualTo("35.5, 139.5");
        assertThat(bare.latitude()).isEqualTo(35.5);
    }

    @Test
    void aLinkTokenIsIssuedInAOneToOneChatOnlyNeverShownToAGroup() {
        List<String> replies = new CopyOnWriteArrayList<>();
        List<String> issuedFor = new CopyOnWriteArrayList<>();
        Outbound outbound = new Outbound() {
            @Override
            public void reply(String token, String to, List<Message> messages) {
                messages.forEach(m -> replies.add(token + " " + ((TextMessage) m).text()));
            }

            @Override
            public void push(String to, List<Message> messages) {
                throw new AssertionError("echo never pushes");
            }

            @Override
            public String issueLinkToken(String userId) {
                issuedFor.add(userId);
                return "LINKTOKEN" + issuedFor.size();
            }
        };
        try (Store store = Store.sqlite(dir)) {
            Bot bot = EchoBot.withAccountLinking("https://member.example/link",
                    io.linegate.login.AccountLinks.builder(store.links()).build());
            try (Dispatcher dispatcher = Dispatcher.builder(store, bot.handler()).outbound(outbound).build().start()) {
                WebhookReceiver receiver = new WebhookReceiver(WebhookSignature.of(SECRET), store.journal(), dispatcher::appended,
                        Clock.systemUTC());
                String message = "\"message\":{\"type\":\"text\",\"id\":\"1\",\"quoteToken\":\"q\",\"text\":\"Link my account\"},"
                        + "\"timestamp\":1,\"mode\":\"active\",\"deliveryContext\":{\"isRedelivery\":false}";
                byte[] body = ("{\"destination\":\"Ubot\",\"events\":["
                        + "{\"type\":\"message\",\"replyToken\":\"g1\",\"webhookEventId\":\"01J00000000000000000000011\","
                        + message + ",\"source\":{\"type\":\"group\",\"groupId\":\"C1\",\"userId\":\"" + USER + "\"}},"
                        + "{\"type\":\"message\",\"replyToken\":\"u1\",\"webhookEventId\":\"01J00000000000000000000012\","
                        + message + ",\"source\":{\"type\":\"user\",\"userId\":\"" + USER + "\"}}"
                        + "]}").getBytes(StandardCharsets.UTF_8);
                assertThat(receiver.receive(body, WebhookSignature.sign(SECRET, body)).join().accepted()).isTrue();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> replies.size() == 2);
            }
        }
        assertThat(issuedFor).containsExactly(USER);
        assertThat(replies).anySatisfy(r -> assertThat(r).startsWith("g1 ").contains("one-to-one").doesNotContain("LINKTOKEN"));
        assertThat(replies).anySatisfy(r -> assertThat(r).startsWith("u1 ").contains("https://member.example/link?linkToken=LINKTOKEN1"));
    }
}
