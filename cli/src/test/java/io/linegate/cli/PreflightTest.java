package io.linegate.cli;

import static io.linegate.cli.PreflightFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.examples.membersite.MemberSite;
import io.linegate.server.LinegateServer;
import io.linegate.runtime.TokenSettings;
import io.linegate.store.Store;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code linegate preflight} against the emulator and a real {@code linegate serve --dev-tls}: the
 * correct deployment passes, and each test breaks exactly one thing and sees that check fail.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PreflightTest {
    @TempDir
    static Path dir;
    static PreflightFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new PreflightFixture(dir);
        f.startServe();
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    @BeforeEach
    void registerTheRealServer() {
        f.register(f.serveUrl());
    }

    static final List<String> EVERY_CHECK = List.of("bot.reachable", "line.access", "admin.access", "webhook.endpoint",
            "webhook.test", "response.settings", "tls.versions", "tls.certificate", "http.versions", "webhook.signature",
            "webhook.verify", "admin.closed", "sending.tokens", "sending.log", "sending.retries", "ops.dead-letters",
            "ops.backlog", "ops.store", "clock.skew");

    @Test
    void aCorrectDeploymentPassesEveryCheck() throws Exception {
        Cli text = f.preflight(f.env(), f.serveUrl());
        System.out.println(text.out);
        assertThat(text.exitCode).as(text.out + text.err).isZero();
        assertThat(text.out).contains("PASS  webhook URL at LINE").contains("[Items to check before releasing the LINE bot]")
                .contains("0 failed");

        JsonNode report = f.preflightJson(f.env(), f.serveUrl());
        assertThat(report.path("passed").asBoolean()).isTrue();
        for (String id : EVERY_CHECK) {
            JsonNode c = check(report, id);
            assertThat(c.path("status").asText()).as(id + ": " + c.path("reason").asText()).isIn("pass",
                    id.equals("ops.store") ? "warn" : "pass"); // a small test disk may warn about space
            assertThat(c.path("guideline").asText()).isNotBlank();
        }
        assertThat(check(report, "tls.versions").path("reason").asText()).contains("TLS 1.3 and TLS 1.2 accepted")
                .contains("TLS 1.1 and 1.0 refused");
        assertThat(check(report, "webhook.verify").path("details").path("p99Ms").asLong()).isLessThan(2000);
        assertThat(check(report, "sending.tokens").path("reason").asText()).startsWith("stateless tokens issued");
        assertThat(check(report, "login.callbacks").path("status").asText()).isEqualTo("skip");
        assertThat(text.out + report).doesNotContain(f.channel.channelSecret()).doesNotContain(PreflightFixture.ADMIN.reveal())
                .doesNotContain("\tat ");
    }

    @Test
    void aLocalDevTlsBotPassesWithTheCertificateFileServeWroteAsTheOnlyTrust() throws Exception {
        Cli cli = Cli.run(f.env(), "preflight", "--url", f.serveUrl(), "--api-base", f.emulator.baseUrl(),
                "--trust", f.serveCertificate.toString(), "--admin-url", "https://localhost:" + f.serveAdminPort,
                "--timeout", "PT5S", "--verify-requests", "5", "--json");
        assertThat(cli.exitCode).as(cli.out + cli.err).isZero();
        JsonNode report = Json.mapper().readTree(cli.out);
        assertThat(report.path("passed").asBoolean()).isTrue();
        assertThat(check(report, "tls.certificate").path("status").asText()).as(check(report, "tls.certificate").toString())
                .isEqualTo("pass");
        assertThat(check(report, "admin.access").path("status").asText()).isEqualTo("pass");
    }

    // ---- the webhook settings at LINE ------------------------------------------------------------

    @Test
    void aWrongWebhookUrlRegisteredAtLineFails() throws Exception {
        String old = "https://localhost:" + f.servePort + "/old-webhook";
        f.register(old);
        JsonNode r = f.preflightJson(f.env(), f.serveUrl());
        assertThat(r.path("passed").asBoolean()).isFalse();
        assertThat(check(r, "webhook.endpoint").path("status").asText()).isEqualTo("fail");
        assertThat(check(r, "webhook.endpoint").path("reason").asText())
                .isEqualTo("LINE sends webhooks to " + old + ", not to " + f.serveUrl());
        assertThat(check(r, "webhook.signature").path("status").asText()).isEqualTo("pass");
    }

    @Test
    void aWebhookTurnedOffAtLineFails() throws Exception {
        assertThat(f.settings("{\"webhookActive\":false,\"greeting\":true}").status()).isEqualTo(200);
        JsonNode r = f.preflightJson(f.env(), f.serveUrl());
        assertThat(check(r, "webhook.endpoint").path("status").asText()).isEqualTo("fail");
        assertThat(check(r, "webhook.endpoint").path("reason").asText()).startsWith("\"Use webhook\" is off");
        assertThat(check(r, "response.settings").path("reason").asText()).contains("webhook off, auto-reply off, greeting on");
    }

    @Test
    void autoRepliesBesideTheBotWarnAndTheForbiddenCombinationIsRefusedAsOnTheConsole() throws Exception {
        assertThat(f.settings("{\"autoReply\":true}").status()).isEqualTo(200);
        Cli text = f.preflight(f.env(), f.serveUrl());
        assertThat(text.out).contains("WARN  webhook and auto-reply settings");
        assertThat(text.exitCode).as("a warning alone does not fail the release check").isZero();

        // The one combination the guidelines forbid cannot be set, on LINE's consoles or on the emulator's.
        PreflightFixture.Http.Res refused = f.settings("{\"webhookActive\":false,\"autoReply\":false,\"greeting\":false}");
        assertThat(refused.status()).isEqualTo(400);
        JsonNode r = f.preflightJson(f.env(), f.serveUrl());
        assertThat(check(r, "response.settings").path("details").path("webhook").asBoolean()).isTrue();
        assertThat(check(r, "response.settings").path("details").path("autoReply").asBoolean()).isTrue();
        assertThat(check(r, "webhook.endpoint").path("status").asText()).isEqualTo("pass");
    }

    // ---- the bot server as LINE sees it ----------------------------------------------------------

    @Test
    void preflightPrintsItsReportAndNothingElseWhileItsProbesLogToTheDebugFileOnly() throws Exception {
        // The real server refuses TLS 1.1: the probe's refused handshake makes Netty log a warning with a stack trace.
        String url = f.serveUrl();
        Path debug = dir.resolve("preflight-debug.log");
        String[] run = f.preflightInChildJvm(f.env(), url, "--debug", debug.toString());
        String[] lines = run[0].split("\n");
        assertThat(lines[0]).isEqualTo("linegate preflight " + url);
        assertThat(lines[lines.length - 1]).matches("\\d+ passed, \\d+ warnings, \\d+ failed, \\d+ skipped.*");
        assertThat(Arrays.asList(lines).subList(1, lines.length - 1)).as(run[0])
                .allMatch(l -> l.matches("(PASS|WARN|FAIL|SKIP)  .*\\[.*]"), "is a check's line");
        assertThat(run[0]).contains("PASS  TLS versions");
        assertThat(run[1]).as("standard error").isEmpty();
        assertThat(Files.readString(debug)).as("the probes' log, kept in the debug file")
                .contains("DEBUG").containsIgnoringCase("handshake");

        String[] quiet = f.preflightInChildJvm(f.env(), url);
        assertThat(quiet[0]).doesNotContain("DefaultChannelPipeline").doesNotContain("Exception");
        assertThat(quiet[0].split("\n")).hasSameSizeAs(lines);
        assertThat(quiet[1]).isEmpty();
    }

    @Test
    void aServerOfferingOnlyTls11Fails() throws Exception {
        var legacy = f.https(sb -> sb.tlsAllowUnsafeCiphers().tlsCustomizer(b -> b.protocols("TLSv1.1")
                        .ciphers(List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")))
                .service("/webhook", (ctx, req) -> com.linecorp.armeria.common.HttpResponse.of(200)));
        String url = "https://localhost:" + legacy.activeLocalPort() + "/webhook";
        f.register(url);
        JsonNode r = f.preflightJson(f.env(), url);
        JsonNode tls = check(r, "tls.versions");
        assertThat(tls.path("status").asText()).isEqualTo("fail");
        assertThat(tls.path("reason").asText()).startsWith("accepts TLS 1.1: only TLS 1.2 or later may be offered");
        assertThat(tls.path("details").path("TLSv1.1").asText()).isEqualTo("accepted");
        assertThat(tls.path("details").path("TLSv1.2").asText()).startsWith("refused");
    }

    @Test
    void anExpiredCertificateFails() throws Exception {
        var expired = PreflightFixture.certificate("localhost", Instant.now().minus(Duration.ofDays(90)),
                Instant.now().minus(Duration.ofDays(1)));
        try (LinegateServer bot = f.bot(PreflightFixture.tls(expired), b -> b)) {
            String url = f.registered(bot);
            JsonNode r = f.preflightJson(f.env(), url, "--trust", expired.certificate().toString());
            JsonNode cert = check(r, "tls.certificate");
            assertThat(cert.path("status").asText()).isEqualTo("fail");
            assertThat(cert.path("reason").asText()).startsWith("expired on " + LocalDate.ofInstant(
                    expired.cert().getNotAfter().toInstant(), ZoneOffset.UTC));
            assertThat(check(r, "tls.versions").path("status").asText()).as(r.toString()).isEqualTo("pass");
        } finally {
            expired.delete();
        }
    }

    @Test
    void aCertificateExpiringWithin30DaysWarnsWithoutFailingTheRelease() throws Exception {
        var soon = PreflightFixture.certificate("localhost", Instant.now().minus(Duration.ofDays(80)),
                Instant.now().plus(Duration.ofDays(10)));
        Path pem = dir.resolve("soon.pem");
        Files.copy(soon.certificate().toPath(), pem);
        f.trust(pem);
        try (LinegateServer bot = f.bot(PreflightFixture.tls(soon), b -> b)) {
            String url = f.registered(bot);
            Cli text = f.preflight(f.env(), url);
            assertThat(text.out).containsPattern("WARN  TLS certificate +expires in (9|10) days");
            assertThat(text.exitCode).as(text.out).isZero();
        } finally {
            soon.delete();
        }
    }

    @Test
    void aCertificateForAnotherHostFails() throws Exception {
        var other = PreflightFixture.certificate("bot.example.com", Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(365)));
        try (LinegateServer bot = f.bot(PreflightFixture.tls(other), b -> b)) {
            String url = f.registered(bot);
            JsonNode r = f.preflightJson(f.env(), url, "--trust", other.certificate().toString());
            assertThat(check(r, "tls.certificate").path("reason").asText())
                    .isEqualTo("issued for bot.example.com, not for localhost");
        } finally {
            other.delete();
        }
    }

    @Test
    void aCertificateNoTrustedCaIssuedFails() throws Exception {
        // The --dev-tls server, without its certificate given as trusted: as LINE would see it.
        Cli cli = Cli.run(f.env(), "preflight", "--url", f.serveUrl(), "--api-base", f.emulator.baseUrl(), "--json",
                "--verify-requests", "2");
        JsonNode r = Json.mapper().readTree(cli.out);
        assertThat(check(r, "tls.certificate").path("status").asText()).isEqualTo("fail");
        assertThat(check(r, "tls.certificate").path("reason").asText()).startsWith("not issued by a CA this client trusts");
        assertThat(check(r, "tls.certificate").path("details").path("names").toString()).contains("localhost");
    }

    @Test
    void aServerThatAcceptsUnsignedWebhooksFails() throws Exception {
        var careless = f.acceptsAnything();
        String url = "https://localhost:" + careless.activeLocalPort() + "/webhook";
        f.register(url);
        JsonNode r = f.preflightJson(f.env(), url);
        JsonNode sig = check(r, "webhook.signature");
        assertThat(sig.path("status").asText()).isEqualTo("fail");
        assertThat(sig.path("reason").asText()).isEqualTo("an unsigned request got 200, a wrongly signed one 200: the server"
                + " accepts webhooks without checking x-line-signature against the channel secret");
        assertThat(check(r, "webhook.verify").path("status").asText()).isEqualTo("pass");
    }

    @Test
    void aSlowAnswerToTheVerifyRequestFails() throws Exception {
        var slow = f.proxy("https://127.0.0.1:" + f.servePort, Duration.ofMillis(2100), false);
        String url = "https://localhost:" + slow.activeLocalPort() + "/webhook";
        f.register(url);
        JsonNode r = f.preflightJson(f.env(), url, "--verify-requests", "3");
        JsonNode verify = check(r, "webhook.verify");
        assertThat(verify.path("status").asText()).isEqualTo("fail");
        assertThat(verify.path("details").path("p99Ms").asLong()).isGreaterThanOrEqualTo(2000);
        assertThat(verify.path("reason").asText()).contains("p99").endsWith("LINE needs the 200 within 2 seconds");
        assertThat(check(r, "webhook.signature").path("status").asText()).isEqualTo("pass");
    }

    @Test
    void anAdminApiReachableWithoutItsTokenFails() throws Exception {
        var gateway = f.proxy("https://127.0.0.1:" + f.serveAdminPort, Duration.ZERO, true);
        String admin = "https://localhost:" + gateway.activeLocalPort();
        JsonNode r = f.preflightJson(f.env(), f.serveUrl(), "--admin-url", admin);
        JsonNode closed = check(r, "admin.closed");
        assertThat(closed.path("status").asText()).isEqualTo("fail");
        assertThat(closed.path("reason").asText()).startsWith(admin + "/admin/status answered 200 without a token");
        assertThat(check(r, "admin.access").path("status").asText()).isEqualTo("pass");
    }

    // ---- sending precautions and operations ------------------------------------------------------

    @Test
    void aLongLivedTokenWarnsWithTheGuidelinesReason() throws Exception {
        try (LinegateServer bot = f.bot(PreflightFixture.tls(f.localhost),
                b -> b.tokens(TokenSettings.longLived(Secret.of(f.channel.accessToken(), "LINE_CHANNEL_ACCESS_TOKEN"))))) {
            String url = f.registered(bot);
            Cli text = f.preflight(f.env(), url);
            assertThat(text.out).contains("WARN  channel access tokens").contains("a long-lived channel access token: the"
                    + " guidelines advise against them from a security standpoint");
            assertThat(text.out).doesNotContain(f.channel.accessToken());
            assertThat(text.exitCode).as(text.out).isZero();
        }
    }

    @Test
    void aServerClockMinutesOffLinesFails() throws Exception {
        try (LinegateServer bot = f.bot(PreflightFixture.tls(f.localhost),
                b -> b.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(5))))) {
            String url = f.registered(bot);
            JsonNode r = f.preflightJson(f.env(), url);
            JsonNode clock = check(r, "clock.skew");
            assertThat(clock.path("status").asText()).isEqualTo("fail");
            assertThat(clock.path("reason").asText()).containsPattern("the bot server's clock is (29\\d|30\\d)\\.\\d s ahead of LINE's");
        }
    }

    // ---- bad input -------------------------------------------------------------------------------

    @Test
    void anUnreachableUrlIsOneClearLine() {
        f.register("https://localhost:1/webhook");
        Cli cli = f.preflight(f.env(), "https://localhost:1/webhook");
        assertThat(cli.exitCode).isEqualTo(1);
        assertThat(cli.out).containsPattern("FAIL  bot server reachable +cannot connect to localhost:1: connection refused"
                + " \\(\\d+ checks that need it not run\\)");
        assertThat(cli.out.lines().filter(l -> l.startsWith("FAIL")))
                .allMatch(l -> l.contains("bot server reachable") || l.contains("LINE's test webhook"));
        assertThat(cli.out + cli.err).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void aUrlThatIsNotHttpsIsAUsageError() {
        Cli cli = Cli.run(f.env(), "preflight", "--url", "http://localhost:" + f.servePort + "/webhook");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.out).isEmpty();
        assertThat(cli.err.strip()).startsWith("linegate preflight: --url must be an https:// URL").doesNotContain("\n");
    }

    @Test
    void aRefusedChannelTokenIsOneClearLine() {
        Map<String, String> env = new HashMap<>(f.env());
        env.remove("LINE_CHANNEL_ID");
        env.put("LINE_CHANNEL_ACCESS_TOKEN", "not-a-token-line-ever-issued");
        Cli cli = f.preflight(env, f.serveUrl());
        assertThat(cli.exitCode).isEqualTo(1);
        assertThat(cli.out).containsPattern("FAIL  LINE API access +LINE refused the channel access token \\(401 .*\\):"
                + " check LINE_CHANNEL_ACCESS_TOKEN \\(\\d+ checks that need it not run\\)");
        assertThat(cli.out.lines().filter(l -> l.startsWith("FAIL")).count()).isEqualTo(1);
        assertThat(cli.out + cli.err).doesNotContain("not-a-token-line-ever-issued").doesNotContain("\tat ");
    }

    @Test
    void aRefusedAdminTokenIsOneClearLine() {
        Map<String, String> env = new HashMap<>(f.env());
        env.put("LINEGATE_ADMIN_TOKEN", "not-the-admin-token-000000");
        Cli cli = f.preflight(env, f.serveUrl());
        assertThat(cli.exitCode).isEqualTo(1);
        assertThat(cli.out).containsPattern("FAIL  server status \\(admin API\\) +the admin API at https://localhost:\\d+/admin/status"
                + " refused LINEGATE_ADMIN_TOKEN \\(401\\) \\(\\d+ checks that need it not run\\)");
        assertThat(cli.out.lines().filter(l -> l.startsWith("FAIL")).count()).isEqualTo(1);
        assertThat(cli.out).doesNotContain("not-the-admin-token-000000");
    }

    @Test
    void missingChannelCredentialsAreAUsageErrorNamingTheVariables() {
        Cli cli = Cli.run(Map.of("LINE_CHANNEL_SECRET", f.channel.channelSecret()), "preflight", "--url", f.serveUrl());
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("LINE_CHANNEL_ID").contains("LINE_CHANNEL_ACCESS_TOKEN").doesNotContain("\tat ");
    }

    // ---- LINE Login ------------------------------------------------------------------------------

    @Test
    void theMemberSitesLoginPassesWithAWarningForItsLoopbackHttpCallback() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String site = "http://localhost:" + port;
        var login = f.emulator.defaultLoginChannel();
        assertThat(f.control.put("/control/v1/login/channels/" + login.channelId(),
                "{\"addCallbackUrls\":[\"" + site + "/callback\"]}").status()).isEqualTo(200);
        try (Store store = Store.sqlite(dir.resolve("site-data"));
             MemberSite ms = MemberSite.builder(store, login.channelId(), Secret.of(login.channelSecret(), "login secret"))
                     .platform(URI.create(f.emulator.baseUrl())).publicUrl(URI.create(site)).listen("127.0.0.1", port)
                     .members(Map.of("alice", Secret.of("alice-password", "password"))).build().start()) {
            JsonNode r = f.preflightJson(f.env(), f.serveUrl(), "--login-channel-id", login.channelId(),
                    "--login-start", site + "/login/line");
            JsonNode callbacks = check(r, "login.callbacks");
            assertThat(callbacks.path("status").asText()).as(callbacks.toString()).isEqualTo("warn");
            assertThat(callbacks.path("reason").asText()).contains(site + "/callback is plain http");
            JsonNode state = check(r, "login.state");
            assertThat(state.path("status").asText()).as(state.toString()).isEqualTo("pass");
            assertThat(state.path("reason").asText()).contains("refuses a state it never issued (400)")
                    .contains("random state tied to the browser by a cookie, nonce and PKCE (S256)");
            assertThat(r.path("passed").asBoolean()).as(r.toString()).isTrue();
        }
    }

    @Test
    void insecureUnansweredOrTooManyCallbackUrlsFail() throws Exception {
        List<String> args = new ArrayList<>(List.of("--login-callback", "http://bot.example.com/callback",
                "--login-callback", "https://localhost:1/callback"));
        for (int i = 0; i < 399; i++) {
            args.addAll(List.of("--login-callback", "https://localhost:1/callback?i=" + i));
        }
        JsonNode r = f.preflightJson(f.env(), f.serveUrl(), args.toArray(new String[0]));
        JsonNode callbacks = check(r, "login.callbacks");
        assertThat(callbacks.path("status").asText()).isEqualTo("fail");
        assertThat(callbacks.path("reason").asText()).contains("401 callback URLs: LINE allows at most 400")
                .contains("http://bot.example.com/callback is not https")
                .contains("https://localhost:1/callback does not answer (connection refused)");
        assertThat(callbacks.path("details").has("http://bot.example.com/callback")).as("not contacted").isFalse();
        assertThat(check(r, "login.state").path("status").asText()).isEqualTo("fail");
    }
}
