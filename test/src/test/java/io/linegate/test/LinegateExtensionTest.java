package io.linegate.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.webhook.EventRouter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One bot and emulator for the whole class, handed to each test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LinegateExtensionTest {
    @RegisterExtension
    static final LinegateExtension line = LinegateExtension.of(() -> BotTesterTest.bot(EventRouter.builder()
            .onText("ping", (ctx, t) -> ctx.reply(new TextMessage("pong")))
            .build()));

    static String firstServer;

    @Test
    @Order(1)
    void aTestGetsTheRunningTester(BotTester tester) {
        TestUser alice = tester.friend("Alice");
        alice.says("ping").awaitOutcome();
        assertThat(alice.receivedTexts()).containsExactly("pong");
        firstServer = tester.server().baseUri().toString();
    }

    @Test
    @Order(2)
    void aStaticExtensionKeepsOneBotForTheClass() {
        assertThat(line.tester().server().baseUri().toString()).isEqualTo(firstServer);
        assertThat(line.tester().user("Bob").received()).isEmpty();
    }
}
