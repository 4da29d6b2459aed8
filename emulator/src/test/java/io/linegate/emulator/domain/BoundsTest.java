package io.linegate.emulator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-channel stores stay bounded however many events, messages and keys a load test makes. */
class BoundsTest {
    @Test
    void replyTokensForgetTheOldestBeyondTheLimit() {
        ReplyTokens t = new ReplyTokens(3);
        Instant now = Instant.now();
        for (int i = 0; i < 5; i++) {
            t.issue("t" + i, "U", now);
            t.delivered("t" + i, now, false);
        }
        assertThat(t.consume("t0", now)).isNull();
        assertThat(t.consume("t1", now)).isNull();
        assertThat(t.consume("t4", now)).isNotNull();
        assertThat(t.consume("t4", now)).isNull(); // single use
    }

    @Test
    void inboxesLogsAndMapsAreBounded() {
        Conversation chat = new Conversation(2);
        for (int i = 0; i < 5; i++) {
            chat.add(new Conversation.BotMessage(i, "push", Instant.now(), "r" + i, null, "m" + i, null, 1));
            chat.addUserEvent(100 + i, "e" + i, new byte[0], null);
        }
        // Each side keeps its own bound: users' events never push the bot's messages out of the inbox.
        assertThat(chat.inbox()).extracting(Conversation.BotMessage::messageId).containsExactly("m3", "m4");
        assertThat(chat.transcript(0)).extracting(Conversation.Item::seq).containsExactly(3L, 4L, 103L, 104L);
        BoundedLog<Integer> log = new BoundedLog<>(3);
        for (int i = 0; i < 10; i++) {
            log.add(i);
        }
        assertThat(log.last(100)).containsExactly(7, 8, 9);
        Map<String, String> m = BoundedMap.of(2);
        m.put("a", "1");
        m.put("b", "2");
        m.put("c", "3");
        assertThat(m).containsOnlyKeys("b", "c");
        AcceptedRetryKeys keys = new AcceptedRetryKeys(2);
        for (int i = 0; i < 3; i++) {
            assertThat(keys.claim("k" + i, Instant.now())).isNull();
            keys.accept("k" + i, "req" + i, null, Instant.now());
        }
        assertThat(keys.claim("k0", Instant.now())).isNull(); // evicted, so new
        assertThat(keys.claim("k2", Instant.now()).requestId()).isEqualTo("req2");
    }
}
