package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.emulator.Emulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CampaignCommandTest {
    @TempDir
    Path dir;

    @Test
    void startPauseResumeAndRunACampaignFromTheCommandLine() throws Exception {
        try (Emulator emulator = Emulator.builder().port(0).rateLimits(false).start()) {
            Map<String, String> env = Map.of("LINE_CHANNEL_SECRET", emulator.defaultChannel().channelSecret(),
                    "LINE_CHANNEL_ACCESS_TOKEN", emulator.defaultChannel().accessToken(),
                    "LINE_API_BASE", emulator.baseUrl());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 700; i++) {
                ids.add(String.format("U%032x", i)); // not friends: accepted, delivered to no one, as on LINE
            }
            Path file = dir.resolve("recipients.txt");
            Files.write(file, ids);
            String data = dir.resolve("data").toString();

            assertThat(TokensCommandTest.run(env, "campaign", "start", "--data-dir", data, "--create", "--name", "spring",
                    "--recipients", file.toString(), "--text", "Spring is here", "--rate", "100000")).contains("campaign 1 created");
            assertThat(TokensCommandTest.run(env, "campaign", "pause", "--data-dir", data, "1")).contains("paused");
            assertThat(TokensCommandTest.run(env, "campaign", "status", "--data-dir", data)).contains("paused")
                    .contains("batches 0/2");
            assertThat(TokensCommandTest.run(env, "campaign", "resume", "--data-dir", data, "1")).contains("resumed");
            assertThat(TokensCommandTest.run(env, "campaign", "run", "--data-dir", data)).contains("done")
                    .contains("batches 2/2 sent").contains("recipients 700/700");

            Files.write(file, List.of(ids.get(0), "not-a-user"));
            Cli bad = Cli.run(env, "campaign", "start", "--data-dir", data, "--name", "bad", "--recipients", file.toString(),
                    "--text", "x");
            assertThat(bad.exitCode).isEqualTo(2);
            assertThat(bad.err).contains("recipient 2");
        }
    }
}
