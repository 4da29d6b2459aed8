package io.linegate.emulator.state;

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
        Inbox inbox = new Inbox(2);
        for (int i = 0; i < 5; i++) {
            inbox.add(new Inbox.Entry("push", Instant.now(), "r" + i, "m" + i, null));
        }
        assertThat(inbox.snapshot()).extracting(Inbox.Entry::messageId).containsExactly("m3", "m4");
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
        RetryKeys keys = new RetryKeys(2);
        for (int i = 0; i < 3; i++) {
            assertThat(keys.claim("k" + i, Instant.now())).isNull();
            keys.accept("k" + i, "req" + i, null, Instant.now());
        }
        assertThat(keys.claim("k0", Instant.now())).isNull(); // evicted, so new
        assertThat(keys.claim("k2", Instant.now()).requestId()).isEqualTo("req2");
    }
}
