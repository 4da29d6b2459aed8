package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.core.Secret;
import io.linegate.server.LinegateServer;
import io.linegate.server.ServerTls;
import io.linegate.store.OperatorControls;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The operator's switches, flipped from the command line on a running server over TLS. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminCommandTest {
    static final Secret ADMIN = Secret.of("admin-token-for-cli-tests-0123456789abcdef", "LINEGATE_ADMIN_TOKEN");

    /** A bot that handles events by doing nothing: these tests are about the admin API. */
    static final Bot QUIET = new Bot() {
        @Override public String name() { return "quiet"; }
        @Override public EventHandler handler() { return ctx -> { }; }
    };

    @TempDir
    Path dir;

    @Test
    void mutesAndSwitchesMaintenanceOnARunningServer() {
        try (LinegateServer server = LinegateServer.builder(QUIET,
                        Secret.of("0123456789abcdef0123456789abcdef", "LINE_CHANNEL_SECRET"))
                .host("127.0.0.1").port(0).tls(ServerTls.selfSigned()).dataDir(dir).adminPort(0).adminToken(ADMIN)
                .build().start()) {
            String url = server.adminUri().toString();
            Map<String, String> env = Map.of("LINEGATE_ADMIN_TOKEN", ADMIN.reveal());

            Cli mute = Cli.run(env, "admin", "--url", url, "--trust-self-signed", "mute", "U0123456789abcdef0123456789abcdef");
            assertThat(mute.exitCode).as(mute.err).isZero();
            Cli on = Cli.run(env, "admin", "--url", url, "--trust-self-signed", "maintenance", "on");
            assertThat(on.exitCode).as(on.err).isZero();
            assertThat(server.store().controls().controls(OperatorControls.MUTE)).containsExactly("user:U0123456789abcdef0123456789abcdef");
            assertThat(server.store().controls().controls(OperatorControls.MAINTENANCE)).containsExactly("on");

            Cli wrongToken = Cli.run(Map.of("LINEGATE_ADMIN_TOKEN", "not-the-token-123"), "admin", "--url", url,
                    "--trust-self-signed", "maintenance", "off");
            assertThat(wrongToken.exitCode).isEqualTo(1);
            assertThat(server.store().controls().controls(OperatorControls.MAINTENANCE)).containsExactly("on");

            assertThat(Cli.run(env, "admin", "--url", url, "--trust-self-signed", "maintenance", "sideways").exitCode)
                    .isEqualTo(2);
        }
    }

    @Test
    void aTlsHandshakeFailureSaysWhichOptionTrustsADevelopmentCertificate() {
        try (LinegateServer server = LinegateServer.builder(QUIET,
                        Secret.of("0123456789abcdef0123456789abcdef", "LINE_CHANNEL_SECRET"))
                .host("127.0.0.1").port(0).tls(ServerTls.selfSigned()).dataDir(dir).adminPort(0).adminToken(ADMIN)
                .build().start()) {
            Cli cli = Cli.run(Map.of("LINEGATE_ADMIN_TOKEN", ADMIN.reveal()), "admin", "--url",
                    server.adminUri().toString(), "status");
            assertThat(cli.exitCode).isEqualTo(2);
            assertThat(cli.err).contains("TLS handshake").contains("--trust-self-signed").contains("--dev-tls")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void nothingListeningPointsAtTheAdminListener() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        Cli cli = Cli.run(Map.of("LINEGATE_ADMIN_TOKEN", ADMIN.reveal()), "admin", "--url", "http://127.0.0.1:" + free,
                "status");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("--admin-port").contains("nothing answers").doesNotContain("\tat ");
    }
}
