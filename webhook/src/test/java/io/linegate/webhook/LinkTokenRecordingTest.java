package io.linegate.webhook;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.bot.messaging.model.Message;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.store.Digests;
import io.linegate.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bot side of ID linking: a link token the bot issues is recorded with the user it was issued for. */
class LinkTokenRecordingTest {
    static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "secret");

    @TempDir
    Path dir;

    @Test
    void aLinkTokenIssuedThroughTheEventContextIsRecordedWithItsUserAsADigest() {
        Map<String, String> issued = new ConcurrentHashMap<>();
        Outbound platform = new Outbound() {
            @Override public void reply(String replyToken, String conversation, List<Message> messages) {}
            @Override public void push(String to, List<Message> messages) {}
            @Override public String issueLinkToken(String userId) {
                String token = "link-token-for-" + userId;
                issued.put(userId, token);
                return token;
            }
        };
        try (Store store = Store.sqlite(dir)) {
            Dispatcher dispatcher = Dispatcher.builder(store, ctx -> ctx.issueLinkToken()).outbound(platform).build().start();
            try {
                byte[] body = body(text(user(1), "link my account"));
                WebhookReceiver receiver = new WebhookReceiver(WebhookSignature.of(SECRET), store.journal(),
                        dispatcher::appended, Clock.systemUTC());
                assertThat(receiver.receive(body, WebhookSignature.sign(SECRET, body)).join().accepted()).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> issued.containsKey(user(1)));
                await().atMost(Duration.ofSeconds(10)).until(() -> store.links()
                        .linkTokenUser(Digests.sha256(issued.get(user(1))), Instant.now()).isPresent());
                assertThat(store.links().linkTokenUser(Digests.sha256(issued.get(user(1))), Instant.now())).contains(user(1));
                assertThat(store.links().linkTokenUser(Digests.sha256(issued.get(user(1))), Instant.now().plus(Duration.ofMinutes(11))))
                        .as("recorded only for the token's 10 minutes").isEmpty();
                assertThat(store.links().linkTokenUser(issued.get(user(1)), Instant.now())).as("kept as a digest only").isEmpty();
            } finally {
                dispatcher.close(Duration.ofSeconds(5));
            }
        }
    }
}
