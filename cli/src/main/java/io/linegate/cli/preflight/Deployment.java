package io.linegate.cli.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.ClientFactory;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The deployment under check: what the operator gave (the webhook URL, the channel's credentials,
 * where the admin API and LINE are), the HTTP clients the checks share, and what the gates learned
 * (LINE's token and bot info, the server's admin status) for the checks after them.
 */
public final class Deployment implements AutoCloseable {
    /**
     * What to check and with what. {@code consoleApi} is where the consoles' settings can be read
     * (the emulator's control API; LINE has no such API), null when unknown.
     */
    public record Target(URI webhookUrl, URI apiBase, URI adminUrl, URI consoleApi, Secret channelSecret,
                         String channelId, Secret channelAccessToken, Secret adminToken, List<Path> trust,
                         int verifyRequests, String loginChannelId, List<String> loginCallbacks, URI loginStart,
                         Duration timeout) {}

    static final List<String> MODERN_TLS = List.of("TLSv1.3", "TLSv1.2");

    final Target target;
    final Trust trust;
    /** JVM trust store plus {@code --trust}, host names checked: for requests that carry a token. */
    final ClientFactory strict;
    /**
     * TLS 1.2/1.3 as LINE's webhook client offers, certificate not judged: for the bot server's HTTP
     * behaviour, so that a certificate problem is reported once, by the certificate check.
     */
    final ClientFactory anyCertificate;

    Secret lineToken;
    JsonNode botInfo;
    JsonNode adminStatus;
    private TlsProbe.Result tls;
    private LoginCallbacks.Resolved loginCallbacks;

    public Deployment(Target target) {
        this.target = target;
        this.trust = Trust.of(target.trust());
        this.strict = ClientFactory.builder().connectTimeout(target.timeout())
                .tlsCustomizer(b -> b.protocols(MODERN_TLS).trustManager(trust)).build();
        this.anyCertificate = ClientFactory.builder().connectTimeout(target.timeout()).tlsNoVerify()
                .tlsCustomizer(b -> b.protocols(MODERN_TLS)).build();
    }

    String host() {
        return target.webhookUrl().getHost();
    }

    int port() {
        int p = target.webhookUrl().getPort();
        return p > 0 ? p : 443;
    }

    Duration timeout() {
        return target.timeout();
    }

    /** The handshakes of {@link TlsProbe}, made once and shared by the TLS and certificate checks. */
    TlsProbe.Result tls() {
        if (tls == null) {
            tls = TlsProbe.probe(host(), port(), timeout());
        }
        return tls;
    }

    /** The Login channel's callback URLs, read once. */
    LoginCallbacks.Resolved loginCallbacks() {
        if (loginCallbacks == null) {
            loginCallbacks = LoginCallbacks.resolve(this);
        }
        return loginCallbacks;
    }

    /** The body of the console's Verify button: no events, addressed to the bot. */
    byte[] verifyBody() {
        String destination = botInfo != null ? botInfo.path("userId").asText() : "U00000000000000000000000000000000";
        return ("{\"destination\":\"" + destination + "\",\"events\":[]}").getBytes(StandardCharsets.UTF_8);
    }

    /** A webhook request signed with the channel secret, as LINE signs them. */
    Http.Response signedWebhook(ClientFactory factory, URI url, byte[] body) {
        return Http.postJson(factory, url, Map.of(WebhookSignature.HEADER, WebhookSignature.sign(target.channelSecret(), body)),
                body, timeout());
    }

    /** A Messaging API GET with the channel access token the LINE gate obtained. */
    Http.Response lineGet(String path) {
        return Http.get(strict, target.apiBase().resolve(path), lineAuth(), timeout());
    }

    /** A Messaging API POST of JSON with the channel access token the LINE gate obtained. */
    Http.Response linePost(String path, String json) {
        return Http.postJson(strict, target.apiBase().resolve(path), lineAuth(), json.getBytes(StandardCharsets.UTF_8),
                timeout());
    }

    private Map<String, String> lineAuth() {
        return Map.of("authorization", "Bearer " + lineToken.reveal());
    }

    /** The origin (scheme, host, port) of a URL. */
    static URI origin(URI url) {
        return URI.create(url.getScheme() + "://" + url.getRawAuthority());
    }

    static JsonNode json(String body) {
        try {
            return body == null || body.isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(body);
        } catch (Exception e) {
            return Json.mapper().createObjectNode();
        }
    }

    @Override
    public void close() {
        strict.close();
        anyCertificate.close();
    }
}
