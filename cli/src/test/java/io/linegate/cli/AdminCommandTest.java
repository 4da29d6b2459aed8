package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.core.Secret;
import io.linegate.server.LinegateServer;
import io.linegate.server.ServerTls;
import io.linegate.store.OperatorControls;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's switches, flipped from the command line on a running server over TLS. */
class AdminCommandTest {
    static final Secret ADMIN = Secret.of("admin-token-for-cli-tests", "LINEGATE_ADMIN_TOKEN");

    @TempDir
    Path dir;

    @Test
    void mutesAndSwitchesMaintenanceOnARunningServer() {
        try (LinegateServer server = LinegateServer.builder(new io.linegate.webhook.Bot() {
                    @Override public String name() { return "quiet"; }
                    @Override public io.linegate.webhook.EventHandler handler() { return ctx -> { }; }
                },
                        Secret.of("0123456789abcdef0123456789abcdef", "LINE_CHANNEL_SECRET"))
                .host("127.0.0.1").port(0).tls(ServerTls.selfSigned()).dataDir(dir).adminToken(ADMIN)
                .build().start()) {
            String url = server.baseUri().toString();
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
}
