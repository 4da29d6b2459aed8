package io.linegate.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What an operator sees of a dead letter's body: everything but tokens, secrets, passwords and nonces. */
class RedactionTest {

    @Test
    void replyTokensAndSecretsAreMaskedWhereverTheySitInTheJson() {
        String shown = Redaction.redact("{\"type\":\"message\",\"replyToken\":\"rt-123\",\"message\":{\"text\":\"hi\","
                + "\"quoteToken\":\"q-9\"},\"things\":[{\"linkToken\":\"lt-1\",\"client_secret\":\"cs\"}],\"nonce\":\"n-1\"}");
        assertThat(shown).contains("\"text\" : \"hi\"", "\"type\" : \"message\"", "[redacted]")
                .doesNotContain("rt-123", "q-9", "lt-1", "\"cs\"", "n-1");
    }

    @Test
    void aBodyThatIsNotJsonHasTheSameFieldsMaskedByPattern() {
        String shown = Redaction.redact("{\"events\":[{\"replyToken\":\"rt-\\\"x\",\"text\":\"broken\"");
        assertThat(shown).contains("\"replyToken\":\"[redacted]\"", "broken").doesNotContain("rt-");
    }

    @Test
    void aHugeBodyIsCut() {
        String shown = Redaction.redact("\"" + "a".repeat(Redaction.MAX_CHARS * 2) + "\"");
        assertThat(shown.length()).isLessThan(Redaction.MAX_CHARS + 100);
    }
}
