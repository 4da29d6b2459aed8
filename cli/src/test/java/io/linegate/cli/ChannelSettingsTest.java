package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelSettingsTest {
    @TempDir
    Path dir;

    @Test
    void environmentVariablesWinOverTheFile() throws Exception {
        Path file = dir.resolve("linegate.yaml");
        Files.writeString(file, "channelSecret: from-file-secret-1234\nchannelAccessToken: file-token-123456\n"
                + "apiBase: http://127.0.0.1:9999\n");
        ChannelSettings s = ChannelSettings.load(file, Map.of("LINE_CHANNEL_SECRET", "from-env-secret-5678"));
        assertThat(s.channelSecret.reveal()).isEqualTo("from-env-secret-5678");
        assertThat(s.channelAccessToken.reveal()).isEqualTo("file-token-123456");
        assertThat(s.apiBase.toString()).isEqualTo("http://127.0.0.1:9999");
    }

    @Test
    void aRotationNeedsItsEndAndParsesIt() {
        assertThatThrownBy(() -> ChannelSettings.load(null, Map.of("LINE_CHANNEL_SECRET", "current-secret-1234",
                "LINE_CHANNEL_SECRET_PREVIOUS", "previous-secret-1234")))
                .hasMessageContaining("LINE_CHANNEL_SECRET_PREVIOUS_UNTIL");
        ChannelSettings s = ChannelSettings.load(null, Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef",
                "LINE_CHANNEL_SECRET_PREVIOUS", "fedcba9876543210fedcba9876543210",
                "LINE_CHANNEL_SECRET_PREVIOUS_UNTIL", "2026-12-01T00:00:00Z"));
        assertThat(s.previousChannelSecretUntil).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void secretsDoNotPrint() {
        ChannelSettings s = ChannelSettings.load(null, Map.of("LINE_CHANNEL_SECRET", "5ec7e75ec7e75ec7e75ec7e75ec7e75e",
                "LINE_CHANNEL_ACCESS_TOKEN", "very-secret-token-1"));
        assertThat(s.channelSecret + " " + s.channelAccessToken).doesNotContain("5ec7e7").doesNotContain("very-secret");
    }

    @Test
    void anUnknownKeyIsAnErrorNamingItAndTheNearestKnownKey() throws Exception {
        Path file = dir.resolve("linegate.yaml");
        Files.writeString(file, "channelSecret: from-file-secret-1234\nchanelAccesToken: file-token-123456\n");
        assertThatThrownBy(() -> ChannelSettings.load(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown key 'chanelAccesToken'").hasMessageContaining("(line 2)")
                .hasMessageContaining("did you mean 'channelAccessToken'?")
                .hasMessageNotContaining("file-token-123456");
        Files.writeString(file, "somethingElseEntirely: 1\n");
        assertThatThrownBy(() -> ChannelSettings.load(file, Map.of("LINE_CHANNEL_SECRET", "secret-from-env-1234")))
                .hasMessageContaining("unknown key 'somethingElseEntirely'").hasMessageNotContaining("did you mean")
                .hasMessageContaining("Known keys: adminToken, apiBase");
    }
}
