package io.linegate.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.bot.messaging.model.LocationMessage;
import com.linecorp.bot.webhook.model.LocationMessageContent;
import io.linegate.store.Digests;
import io.linegate.test.BotTester;
import io.linegate.test.LinegateExtension;
import io.linegate.test.Received;
import io.linegate.test.TestGroup;
import io.linegate.test.TestUser;
import io.linegate.webhook.BotFactory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The echo bot against the emulator, through the test kit. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EchoBotTest {
    @RegisterExtension
    static final LinegateExtension line = LinegateExtension.of(EchoBot::new);

    @Test
    void isFoundByNameForServe() {
        assertThat(ServiceLoader.load(BotFactory.class).stream().map(p -> p.get().name())).contains("echo");
    }

    @Test
    void greetsEchoesTextAnswersStickersAndIgnoresTheUnknown(BotTester tester) {
        TestUser alice = tester.user("Alice");
        alice.follow().awaitOutcome();
        alice.says("hello").awaitOutcome();
        alice.sendsSticker("11537", "52002734").awaitOutcome();
        String future = "{\"type\":\"teleport\",\"teleport\":{\"to\":\"moon\"},\"source\":{\"type\":\"user\",\"userId\":\""
                + alice.userId() + "\"}}";
        assertThat(tester.event(future).awaitOutcome().doneFirstTime()).as("an event type from the future").isTrue();
        assertThat(alice.received()).extracting(Received::toString).containsExactly(
                "reply: Thanks for adding me! Send me a message and I will send it back.",
                "reply: hello",
                "reply: sticker 446/1988");
    }

    @Test
    void aLocationIsEchoedWithATitleAndAnAddressEvenWhenTheUserSentNone() {
        LocationMessage named = EchoBot.echo(
                new LocationMessageContent("1", "Tokyo Tower", "Minato", 35.6586, 139.7454, null));
        assertThat(named.title()).isEqualTo("Tokyo Tower");
        assertThat(named.address()).isEqualTo("Minato");
        LocationMessage bare = EchoBot.echo(
                new LocationMessageContent("2", null, null, 35.5, 139.5, null));
        assertThat(bare.title()).isEqualTo("Location");
        assertThat(bare.address()).isEqualTo("35.5, 139.5");
        assertThat(bare.latitude()).isEqualTo(35.5);
    }

    @Test
    void aLinkTokenIsIssuedInAOneToOneChatOnlyNeverShownToAGroup() {
        try (BotTester tester = BotTester.builder(new EchoBotFactory(), Map.of("link-url", "https://member.example/link"))
                .start()) {
            TestUser alice = tester.friend("Alice");
            TestUser bob = tester.friend("Bob");
            TestGroup group = tester.group("friends", alice, bob);
            group.says(alice, "Link my account").awaitOutcome();
            assertThat(group.received()).singleElement().satisfies(r ->
                    assertThat(r.text()).contains("one-to-one").doesNotContain("linkToken"));

            alice.says("link my account").awaitOutcome();
            String answer = alice.receivedTexts().get(alice.receivedTexts().size() - 1);
            Matcher token = Pattern.compile("https://member\\.example/link\\?linkToken=(\\S+)").matcher(answer);
            assertThat(token.find()).as(answer).isTrue();
            assertThat(tester.store().links().linkTokenUser(Digests.sha256(
                    URLDecoder.decode(token.group(1), StandardCharsets.UTF_8)), Instant.now()))
                    .as("the token is recorded with the user it was issued for").contains(alice.userId());
        }
    }
}
