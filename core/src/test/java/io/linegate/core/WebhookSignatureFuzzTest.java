package io.linegate.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Base64;

/**
 * The {@code x-line-signature} check against any header and any body (the seed corpus runs in every
 * build; {@code JAZZER_FUZZ=1} fuzzes, see docs/fuzzing.md): it never throws, and it says VALID
 * only for the one digest that is right.
 */
class WebhookSignatureFuzzTest {
    static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "fuzz secret");
    static final WebhookSignature SIGNATURE = WebhookSignature.of(SECRET);

    @FuzzTest(maxDuration = "30s")
    void anyHeaderOnAnyBodyIsJudgedWithoutThrowingAndOnlyTheRightDigestPasses(FuzzedDataProvider data) {
        String header = data.consumeBoolean() ? data.consumeString(128) : null;
        byte[] body = data.consumeRemainingAsBytes();
        String right = WebhookSignature.sign(SECRET, body);

        WebhookSignature.Verdict verdict = SIGNATURE.verify(body, header);

        if (verdict == WebhookSignature.Verdict.VALID) {
            assertThat(Base64.getDecoder().decode(header.strip())).isEqualTo(Base64.getDecoder().decode(right));
        } else {
            // (Never Arrays.equals with a null: Jazzer's comparison hook crashes the JVM on one.)
            byte[] presented = header == null ? null : decodeOrNull(header);
            assertThat(presented != null && Arrays.equals(presented, Base64.getDecoder().decode(right)))
                    .as("a header carrying the right digest was refused: %s", header).isFalse();
        }
        assertThat(SIGNATURE.verify(body, right)).isEqualTo(WebhookSignature.Verdict.VALID);
    }

    private static byte[] decodeOrNull(String header) {
        try {
            return Base64.getDecoder().decode(header.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
