package io.linegate.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.core.WebhookSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    // The official vector, Messaging API docs, "Verify webhook signature"
    static final byte[] BODY = "{\"destination\":\"U8e742f61d673b39c7fff3cecb7536ef0\",\"events\":[]}"
            .getBytes(StandardCharsets.UTF_8);
    static final Secret SECRET = Secret.of("8c570fa6dd201bb328f1c1eac23a96d8", "secret");
    static final String EXPECTED = "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=";

    @Test
    void signsTheOfficialVector() {
        assertThat(WebhookSignature.sign(SECRET, BODY)).isEqualTo(EXPECTED);
    }

    @Test
    void acceptsTheOfficialVector() {
        assertThat(WebhookSignature.of(SECRET).verify(BODY, EXPECTED)).isEqualTo(Verdict.VALID);
    }

    @Test
    void rejectsAMissingHeader() {
        assertThat(WebhookSignature.of(SECRET).verify(BODY, null)).isEqualTo(Verdict.MISSING);
        assertThat(WebhookSignature.of(SECRET).verify(BODY, "")).isEqualTo(Verdict.MISSING);
    }

    @Test
    void rejectsBadBase64AndWrongLength() {
        assertThat(WebhookSignature.of(SECRET).verify(BODY, "not base64 at all!!")).isEqualTo(Verdict.MALFORMED);
        assertThat(WebhookSignature.of(SECRET).verify(BODY, "AAAA")).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void rejectsAWrongSecretAndAnAlteredBody() {
        Secret other = Secret.of("00000000000000000000000000000000", "secret");
        assertThat(WebhookSignature.of(other).verify(BODY, EXPECTED)).isEqualTo(Verdict.MISMATCH);
        byte[] altered = new String(BODY, StandardCharsets.UTF_8).replace("[]", "[ ]").getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.of(SECRET).verify(altered, EXPECTED)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void acceptsThePreviousSecretOnlyUntilTheEndOfTheRotationWindow() {
        Secret next = Secret.of("11111111111111111111111111111111", "secret");
        Instant until = Instant.parse("2026-01-01T00:00:00Z");
        WebhookSignature rotating = WebhookSignature.of(next).withPrevious(SECRET, until);

        WebhookSignature before = rotating.withClock(Clock.fixed(until.minusSeconds(1), ZoneOffset.UTC));
        WebhookSignature after = rotating.withClock(Clock.fixed(until, ZoneOffset.UTC));

        assertThat(before.verify(BODY, EXPECTED)).isEqualTo(Verdict.VALID);
        assertThat(after.verify(BODY, EXPECTED)).isEqualTo(Verdict.MISMATCH);
        assertThat(after.verify(BODY, WebhookSignature.sign(next, BODY))).isEqualTo(Verdict.VALID);
    }
}
