package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
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
            assertThat(wrongToken.err.strip()).isEqualTo("linegate admin: the admin token does not match: LINEGATE_ADMIN_TOKEN"
                    + " here is not the token the server at " + url + " was started with (its LINEGATE_ADMIN_TOKEN or adminToken)");
            assertThat(server.store().controls().controls(OperatorControls.MAINTENANCE)).containsExactly("on");

            Cli bogus = Cli.run(env, "admin", "--url", url, "--trust-self-signed", "mute", "Ubogus");
            assertThat(bogus.exitCode).isEqualTo(2);
            assertThat(bogus.err.strip()).isEqualTo("linegate admin: 'Ubogus' is no LINE user, group or room id: U, C or R"
                    + " followed by 32 hexadecimal digits (or user:, group:, room: and the id)");
            assertThat(server.store().controls().controls(OperatorControls.MUTE)).containsExactly("user:U0123456789abcdef0123456789abcdef");

            assertThat(Cli.run(env, "admin", "--url", url, "--trust-self-signed", "maintenance", "sideways").exitCode)
                    .isEqualTo(2);
        }
    }

    @Test
    void statusShowsWhatTheAdminStatusHasAsATableOrAsJson() throws Exception {
        try (LinegateServer server = LinegateServer.builder(QUIET,
                        Secret.of("0123456789abcdef0123456789abcdef", "LINE_CHANNEL_SECRET"))
                .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).dataDir(dir).adminPort(0).adminToken(ADMIN)
                .build().start()) {
            String url = server.adminUri().toString();
            Map<String, String> env = Map.of("LINEGATE_ADMIN_TOKEN", ADMIN.reveal());
            assertThat(Cli.run(env, "admin", "--url", url, "mute", "U0123456789abcdef0123456789abcdef").exitCode).isZero();

            Cli table = Cli.run(env, "admin", "--url", url, "status");
            assertThat(table.exitCode).as(table.err).isZero();
            assertThat(table.out).containsPattern("(?m)^bot +quiet$").containsPattern("(?m)^webhook\\.path +/webhook$")
                    .containsPattern("(?m)^sending\\.on +false$").containsPattern("(?m)^apiLog\\.on +false$")
                    .containsPattern("(?m)^backlog +0$").containsPattern("(?m)^deadLetters +0$")
                    .containsPattern("(?m)^store\\.reachable +true$").containsPattern("(?m)^store\\.usableBytes +\\d+ \\(\\d")
                    .containsPattern("(?m)^maintenance +false$")
                    .containsPattern("(?m)^muted +user:U0123456789abcdef0123456789abcdef$");
            // the values line up in one column
            assertThat(table.out.lines().map(l -> l.length() - l.replaceFirst("^\\S+ +", "").length()).distinct()).hasSize(1);

            Cli json = Cli.run(env, "admin", "--url", url, "status", "--json");
            assertThat(json.exitCode).as(json.err).isZero();
            JsonNode doc = Json.mapper().readTree(json.out);
            assertThat(doc.path("bot").asText()).isEqualTo("quiet");
            assertThat(doc.path("store").path("reachable").asBoolean()).isTrue();
            assertThat(doc.path("muted").get(0).asText()).isEqualTo("user:U0123456789abcdef0123456789abcdef");
            assertThat(doc.has("tokens") && doc.has("apiLog") && doc.has("deadLetters") && doc.has("backlog")).isTrue();
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
