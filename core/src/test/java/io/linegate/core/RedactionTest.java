package io.linegate.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void aSecretNeverPrintsItself() {
        Secret s = Secret.of("s3cr3t-value-xyz", "LINE_CHANNEL_SECRET");
        assertThat(s.toString()).doesNotContain("s3cr3t");
        assertThat(String.valueOf(s)).isEqualTo("Secret[redacted]");
    }

    @Test
    void masksRegisteredSecretsAndCredentialShapes() {
        Secret.of("registered-token-123", "token");
        assertThat(Redaction.redact("sent registered-token-123 to x")).isEqualTo("sent [REDACTED] to x");
        assertThat(Redaction.redact("Authorization: Bearer abc.def.ghi done"))
                .isEqualTo("Authorization: Bearer [REDACTED] done");
        assertThat(Redaction.redact("GET /verify?access_token=zzz&x=1")).isEqualTo("GET /verify?access_token=[REDACTED]&x=1");
        assertThat(Redaction.redact("x-line-signature: GhRKmvmH=")).isEqualTo("x-line-signature: [REDACTED]");
    }

    @Test
    void aMissingSecretIsNamedInTheError() {
        Assertions.assertThatThrownBy(() -> Secret.of(" ", "LINE_CHANNEL_SECRET"))
                .hasMessageContaining("LINE_CHANNEL_SECRET");
    }
}
