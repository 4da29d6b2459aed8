package io.linegate.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.bot.messaging.model.Emoji;
import com.linecorp.bot.messaging.model.EmojiSubstitutionObject;
import com.linecorp.bot.messaging.model.ImageMessage;
import com.linecorp.bot.messaging.model.MentionSubstitutionObject;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.MessageAction;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.QuickReply;
import com.linecorp.bot.messaging.model.QuickReplyItem;
import com.linecorp.bot.messaging.model.SubstitutionObject;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.messaging.model.TextMessageV2;
import com.linecorp.bot.messaging.model.UserMentionTarget;
import io.linegate.core.Json;
import io.linegate.messaging.RequestLimitException.Violation;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {
    static final String USER = "U0123456789abcdef0123456789abcdef";

    static PushMessageRequest push(Message... messages) {
        return new PushMessageRequest.Builder(USER, List.of(messages)).build();
    }

    static List<String> properties(Object request) {
        try {
            RequestLimits.check(request);
            return List.of();
        } catch (RequestLimitException e) {
            return e.violations().stream().map(Violation::property).toList();
        }
    }

    @Test
    void aRequestWithinTheLimitsPassesAndItsBodyIsReturned() {
        byte[] body = RequestLimits.check(push(new TextMessage("hello")));
        assertThat(new String(body)).contains("\"to\":\"" + USER + "\"").contains("hello");
    }

    @Test
    void atMostFiveMessages() {
        Message[] six = Collections.nCopies(6, new TextMessage("x")).toArray(new Message[0]);
        assertThat(properties(push(six))).containsExactly("messages");
        assertThat(properties(push(Collections.nCopies(5, new TextMessage("x")).toArray(new Message[0])))).isEmpty();
    }

    @Test
    void atMost500MulticastRecipients() {
        List<String> to = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            to.add(String.format("U%032x", i));
        }
        assertThat(properties(new MulticastRequest.Builder(List.of(new TextMessage("x")), to).build())).containsExactly("to");
        assertThat(properties(new MulticastRequest.Builder(List.of(new TextMessage("x")), to.subList(0, 500)).build())).isEmpty();
    }

    @Test
    void textIsCountedInUtf16CodeUnits() {
        String apples = "🍎".repeat(2_500); // 2,500 characters, 5,000 UTF-16 code units
        assertThat(properties(push(new TextMessage(apples)))).isEmpty();
        assertThat(properties(push(new TextMessage(apples + "x")))).containsExactly("messages[0].text");
        assertThat(properties(push(new TextMessage("ok"), new TextMessage("")))).containsExactly("messages[1].text");
    }

    @Test
    void emojiIndexesMustPointAtADollarAndThereAreAtMostTwenty() {
        TextMessage good = new TextMessage(null, null, "$ LINE emoji $",
                List.of(new Emoji(0, "5ac1bfd5040ab15980c9b435", "001"), new Emoji(13, "5ac1bfd5040ab15980c9b435", "002")), null);
        assertThat(properties(push(good))).isEmpty();
        TextMessage off = new TextMessage(null, null, "$ LINE emoji $",
                List.of(new Emoji(1, "5ac1bfd5040ab15980c9b435", "001"), new Emoji(99, "p", "002")), null);
        assertThat(properties(push(off))).containsExactly("messages[0].emojis[0].index", "messages[0].emojis[1].index");
        List<Emoji> many = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            many.add(new Emoji(i, "p", "001"));
        }
        assertThat(properties(push(new TextMessage(null, null, "$".repeat(21), many, null))))
                .containsExactly("messages[0].emojis");
    }

    @Test
    void textV2PlaceholdersMustBePairedAndSubstituted() {
        Map<String, SubstitutionObject> subs = new LinkedHashMap<>();
        subs.put("user1", new MentionSubstitutionObject(new UserMentionTarget(USER)));
        subs.put("laugh", new EmojiSubstitutionObject("5a8555cfe6256cc92ea23c2a", "002"));
        assertThat(properties(push(new TextMessageV2(null, null, "Welcome, {user1}! {laugh} {{literal}}", subs, null)))).isEmpty();
        assertThat(properties(push(new TextMessageV2(null, null, "Hi {nobody} and { oops", subs, null))))
                .containsExactly("messages[0].text", "messages[0].text");
        Map<String, SubstitutionObject> badKey = Map.of("no-dashes", new EmojiSubstitutionObject("p", "1"));
        assertThat(properties(push(new TextMessageV2(null, null, "x", badKey, null))))
                .containsExactly("messages[0].substitution.no-dashes");
    }

    @Test
    void atMostThirteenQuickReplyItems() {
        List<QuickReplyItem> items = Collections.nCopies(14, new QuickReplyItem(new MessageAction("label", "text")));
        TextMessage m = new TextMessage(new QuickReply(items), null, "pick one", null, null);
        assertThat(properties(push(m))).containsExactly("messages[0].quickReply.items");
    }

    @Test
    void mediaUrlsMustBeHttps() {
        ImageMessage image = new ImageMessage(URI.create("http://example.com/a.jpg"), URI.create("https://example.com/p.jpg"));
        assertThat(properties(push(image))).containsExactly("messages[0].originalContentUrl");
    }

    @Test
    void aBodyOverTwoMegabytesIsRefusedAndTheMessageSaysWhatIsWrong() throws Exception {
        List<String> to = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            to.add("U" + "f".repeat(32));
        }
        Message long1 = new TextMessage("a".repeat(5_000));
        // 500 recipients and 5 long texts stay far below 2 MB; only a huge body trips the size check.
        assertThatCode(() -> RequestLimits.check(new MulticastRequest.Builder(
                Collections.nCopies(5, long1), to).build())).doesNotThrowAnyException();
        var small = Json.mapper().readTree("{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}");
        assertThat(RequestLimits.violations(small, RequestLimits.MAX_BODY_BYTES + 1))
                .extracting(Violation::property).containsExactly("");
        assertThatThrownBy(() -> RequestLimits.check(push(new TextMessage(""))))
                .isInstanceOf(RequestLimitException.class)
                .hasMessageContaining("messages[0].text");
    }
}
