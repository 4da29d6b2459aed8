package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.emulator.Emulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TokensCommandTest {
    @TempDir
    Path dir;

    @Test
    void issuesAndShowsManagedTokensWithoutPrintingThem() {
        try (Emulator emulator = Emulator.builder().port(0).start()) {
            Map<String, String> env = Map.of("LINE_CHANNEL_ID", emulator.defaultChannel().channelId(),
                    "LINE_CHANNEL_SECRET", emulator.defaultChannel().channelSecret(),
                    "LINE_API_BASE", emulator.baseUrl());
            String issued = run(env, "tokens", "issue", "--data-dir", dir.toString(), "--create", "--token-type", "short-lived");
            assertThat(issued).contains("a current short-lived token");
            String status = run(env, "tokens", "status", "--data-dir", dir.toString(), "--token-type", "short-lived");
            assertThat(status).contains("kind=short_lived").contains("(current)");
            assertThat(run(env, "tokens", "revoke", "--data-dir", dir.toString(), "--token-type", "short-lived"))
                    .contains("revoked 0");

            Cli missingId = Cli.run(Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef"), "tokens", "status", "--data-dir", dir.toString());
            assertThat(missingId.exitCode).isEqualTo(2);
            assertThat(missingId.err).contains("LINE_CHANNEL_ID");
        }
    }

    static String run(Map<String, String> env, String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            Cli cli = Cli.run(env, args);
            assertThat(cli.exitCode).as(cli.err).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString();
    }
}
