package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
