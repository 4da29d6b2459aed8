package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServeCommandTest {
    @Test
    void refusesToStartWithoutATlsChoiceAndSaysWhy() {
        Cli cli = Cli.run(Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef"), "serve", "--port", "0");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("--insecure-http").contains("TLS 1.2").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void refusesToStartWithoutAChannelSecretAndNamesTheVariable() {
        Cli cli = Cli.run(Map.of(), "serve", "--insecure-http", "--port", "0");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("LINE_CHANNEL_SECRET").doesNotContain("\tat ");
    }

    @Test
    void refusesAnUnknownBotAndListsTheKnownOnes() {
        Cli cli = Cli.run(Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef"),
                "serve", "--insecure-http", "--port", "0", "--bot", "nope");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("no bot named 'nope'").contains("echo");
    }

    @Test
    void aPortOutOfRangeIsNamedByItsOption() {
        Cli cli = Cli.run(Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef"),
                "serve", "--insecure-http", "--port", "99999");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("--port must be a port from 0 to 65535, was 99999").doesNotContain("\tat ");
        Cli admin = Cli.run(Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef"),
                "serve", "--insecure-http", "--port", "0", "--admin-port", "-1");
        assertThat(admin.err).contains("--admin-port must be a port from 0 to 65535, was -1");
    }

    @Test
    void aMissingDataDirectoryIsNotCreatedSilently(@TempDir Path dir) {
        Path typo = dir.resolve("dta");
        Cli cli = Cli.run(Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef"),
                "serve", "--insecure-http", "--port", "0", "--admin-port", "0", "--data-dir", typo.toString());
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("does not exist").contains("--data-dir").contains("--create");
        assertThat(typo).doesNotExist();
    }

    @Test
    void aShortAdminTokenStopsTheStartWithAClearMessage(@TempDir Path dir) {
        Cli cli = Cli.run(Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef",
                        "LINEGATE_ADMIN_TOKEN", "short-admin-token"),
                "serve", "--insecure-http", "--port", "0", "--admin-port", "0", "--data-dir", dir.toString());
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("at least 32 characters").contains("openssl rand -hex 32")
                .doesNotContain("short-admin-token");
    }
}
