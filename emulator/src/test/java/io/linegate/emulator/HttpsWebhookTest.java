package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** https:// webhooks are called with TLS 1.2+, trusting a configured certificate (a local bot's self-signed one). */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HttpsWebhookTest {
    @Test
    void deliversOverTlsTrustingTheConfiguredCertificate() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        LinkedBlockingQueue<String> protocols = new LinkedBlockingQueue<>();
        Server bot = Server.builder()
                .https(new InetSocketAddress("127.0.0.1", 0))
                .tls(cert.certificate(), cert.privateKey())
                .service("/callback", (ctx, req) -> {
                    protocols.add(ctx.sslSession().getProtocol());
                    return HttpResponse.of(HttpStatus.OK);
                })
                .build();
        bot.start().join();
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.webhookTrustCertificate = cert.certificate().getPath();
        String url = "https://localhost:" + bot.activeLocalPort() + "/callback";
        try (Emulator e = Emulator.builder().config(cfg).webhookUrl(url).build().start()) {
            Http control = new Http(e.baseUrl(), null);
            String u = control.post("/control/v1/users", "{\"displayName\":\"T\"}").json().path("userId").asText();
            control.post("/control/v1/users/" + u + "/follow", "");
            String protocol = protocols.poll(10, TimeUnit.SECONDS);
            assertThat(protocol).isIn("TLSv1.3", "TLSv1.2");
            Http.Res test = new Http(e.baseUrl(), e.defaultChannel().accessToken()).post("/v2/bot/channel/webhook/test", "{}");
            assertThat(test.json().path("success").asBoolean()).isTrue();
        } finally {
            bot.close();
            cert.delete();
        }
    }

    @Test
    void aCertificateAddedToTheTrustFileAfterStartIsTrustedFromThen() throws Exception {
        SelfSignedCertificate known = new SelfSignedCertificate("localhost");
        SelfSignedCertificate later = new SelfSignedCertificate("localhost");
        Path trust = Files.createTempFile("webhook-trust", ".pem");
        Files.copy(known.certificate().toPath(), trust, StandardCopyOption.REPLACE_EXISTING);
        Server bot = Server.builder()
                .https(new InetSocketAddress("127.0.0.1", 0))
                .tls(later.certificate(), later.privateKey())
                .service("/callback", (ctx, req) -> HttpResponse.of(HttpStatus.OK))
                .build();
        bot.start().join();
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.webhookTrustCertificate = trust.toString();
        String url = "https://localhost:" + bot.activeLocalPort() + "/callback";
        try (Emulator e = Emulator.builder().config(cfg).webhookUrl(url).build().start()) {
            Http api = new Http(e.baseUrl(), e.defaultChannel().accessToken());
            Http.Res untrusted = api.post("/v2/bot/channel/webhook/test", "{}");
            assertThat(untrusted.json().path("success").asBoolean()).isFalse();
            assertThat(untrusted.json().path("reason").asText()).isEqualTo("COULD_NOT_CONNECT");

            Files.writeString(trust, Files.readString(later.certificate().toPath()),
                    StandardOpenOption.APPEND);
            Http.Res trusted = api.post("/v2/bot/channel/webhook/test", "{}");
            assertThat(trusted.json().path("success").asBoolean()).as(trusted.body()).isTrue();
        } finally {
            bot.close();
            known.delete();
            later.delete();
            Files.deleteIfExists(trust);
        }
    }

    @Test
    void aMissingTrustFileIsAnErrorAtStartNamingIt() {
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.webhookTrustCertificate = "/nonexistent/bot-cert.pem";
        Assertions.assertThatThrownBy(() -> Emulator.builder().config(cfg).build().close())
                .hasStackTraceContaining("/nonexistent/bot-cert.pem");
    }
}
