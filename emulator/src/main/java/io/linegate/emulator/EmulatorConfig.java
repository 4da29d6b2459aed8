package io.linegate.emulator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.linegate.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The emulator's configuration, bound from YAML ({@code emulator.yaml}). Every field has a default so
 * that an empty file, or no file, gives a working platform with one provider and one channel.
 *
 * <pre>
 * rateLimits: { enabled: true, scale: 1.0 }
 * providers: [ { name: Example, certified: false } ]
 * channels:
 *   - channelId: "1234567890"
 *     channelSecret: 8c570fa6dd201bb328f1c1eac23a96d8
 *     provider: Example
 *     webhookUrl: http://127.0.0.1:8080/callback
 *     redelivery: true
 *     assertionKeys: [ { kid: my-kid, jwk: { kty: RSA, e: AQAB, n: ..., alg: RS256, use: sig } } ]
 * users:
 *   - { userId: U0123..., displayName: Alice, friendOf: ["1234567890"], email: alice@example.com, password: pw }
 * loginChannels:
 *   - channelId: "2000000001"
 *     channelSecret: 0123456789abcdef0123456789abcdef
 *     provider: Example
 *     callbackUrls: [ http://127.0.0.1:8081/callback ]
 *     linkedBotChannelId: "1234567890"
 *     liffApps: [ { liffId: 2000000001-AbcdEfgh, endpointUrl: http://127.0.0.1:8081/liff } ]
 * moduleChannels:
 *   - { channelId: "3000000001", channelSecret: 0123456789abcdef0123456789abcdef, webhookUrl: http://127.0.0.1:8082/module }
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class EmulatorConfig {
    /** Loopback by default: the emulator has no authentication on its control API. */
    public String host = "127.0.0.1";
    public int port = 0;
    public EndpointRateLimits rateLimits = new EndpointRateLimits();
    /**
     * Validate Messaging API requests against LINE's OpenAPI spec. On by default; schema validation
     * costs most of a push's CPU time, so load tests may turn it off (the documented limits stay).
     */
    public boolean validateRequests = true;
    /**
     * Bounded memory: entries kept per chat inbox (and, separately, per chat of the users' events the
     * chat page shows), per channel delivery log, per channel retry keys. {@code inboxLimit: 0} keeps
     * neither inboxes nor transcripts.
     */
    public int inboxLimit = 1000;
    public int logLimit = 1000;
    public int retryKeyLimit = 100_000;
    /** Reply tokens kept per channel; beyond it the oldest are forgotten (load tests at thousands of events/s). */
    public int replyTokenLimit = 200_000;
    /** Chat page streams (one per open tab) served at once; beyond it a tab is refused with 503. */
    public int chatStreamLimit = 256;
    /** The platform counts a webhook as failed without a 2xx within 2 seconds (Messaging API docs, "Receive messages (webhook)" and "Check webhook error statistics"). */
    public long webhookTimeoutMs = 2000;
    /** Redelivery attempts after a failed delivery, when a channel has redelivery on, and the pause between. */
    public int redeliveryAttempts = 3;
    public long redeliveryIntervalMs = 1000;
    /** Events queued for one channel at the same moment go out together, up to this many per request. */
    public int maxEventsPerWebhook = 100;
    /** Events waiting for one channel's webhook; beyond it the control API refuses new events (503). */
    public int webhookQueueLimit = 100_000;
    /** The signature header's name as sent; LINE warns its case may change (Messaging API reference, "Webhooks": request headers). */
    public String webhookSignatureHeader = "x-line-signature";
    /** For plain http:// webhook URLs: h1c (HTTP/1.1, what most frameworks expect), h2c (HTTP/2 prior knowledge), or http (try h2c, fall back). */
    public String plainHttpWebhookProtocol = "h1c";
    /** Targeted narrowcasts below this many recipients fail with errorCode 2 (Messaging API reference, "Message objects" and the sending endpoints' request bodies). */
    public int narrowcastMinRecipients = 50;
    /**
     * Webhook URLs must be https://, except plain http:// on loopback; set this to allow plain http
     * anywhere (a bot in another container on a private network).
     */
    public boolean allowPlainHttpWebhooks;
    /**
     * PEM file of certificates trusted for https:// webhook URLs (a local bot's self-signed one, or
     * several); read again when it changes, so a bot started later can be trusted by adding its own.
     */
    public String webhookTrustCertificate;
    public List<Provider> providers = new ArrayList<>();
    public List<ChannelConfig> channels = new ArrayList<>();
    public List<UserConfig> users = new ArrayList<>();
    /**
     * LINE Login channels (LINE Login docs and LINE Login v2.1 API reference; Messaging API docs, "Link user accounts"; LIFF docs, "Using user data in LIFF apps and servers"). Empty: one default Login channel under the default
     * provider, linked to the default Messaging API channel, with one LIFF app.
     */
    public List<LoginChannelConfig> loginChannels = new ArrayList<>();
    /**
     * Module channels (LINE Developers partner docs, "Module channel"): none by default. A LINE
     * Official Account's admin attaches one to a bot through {@code /module/auth/v1/authorize}.
     */
    public List<ModuleChannelConfig> moduleChannels = new ArrayList<>();

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class EndpointRateLimits {
        public boolean enabled = true;
        /** Multiplies every limit of Messaging API reference, "Rate limits" (10 = ten times the platform's allowance). */
        public double scale = 1.0;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Provider {
        public String name = "Default provider";
        public boolean certified;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class ChannelConfig {
        public String channelId;
        public String channelSecret;
        public String botUserId;
        public String basicId;
        public String displayName = "linegate emulator bot";
        public String provider;
        public String webhookUrl;
        public boolean webhookActive = true;
        public boolean redelivery;
        public boolean autoReply;
        public String autoReplyText;
        public boolean greeting;
        public String greetingText;
        public boolean errorStatistics = true;
        /** Chat on in LINE Official Account Manager: {@code GET /v2/bot/info} says {@code chatMode: chat}. */
        public boolean chat;
        /** A fixed long-lived token, for scripts that want a stable value; random when absent. */
        public String longLivedToken;
        /** Monthly message limit; absent means {@code "type":"none"}. */
        public Long quota;
        public List<AssertionKey> assertionKeys = new ArrayList<>();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class AssertionKey {
        public String kid;
        /** The public RSA JWK as registered on the console (kty, n, e, alg RS256, use sig). */
        public Map<String, Object> jwk;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class UserConfig {
        public String userId;
        public String displayName = "User";
        public String pictureUrl;
        public String statusMessage;
        public String language = "en";
        /** Channel ids this user is a friend of at start; {@code "*"} for all. */
        public List<String> friendOf = new ArrayList<>();
        /**
         * What the user types on the emulated LINE Login page. Absent: {@code <userId>@emulator.local}
         * and {@code password}.
         */
        public String email;
        public String password;
    }

    /**
     * A LINE Login channel. {@code linkedBotChannelId} is the Messaging API channel offered by
     * {@code bot_prompt}; it must be under the same provider.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class LoginChannelConfig {
        public String channelId;
        public String channelSecret;
        /** Absent: the default Messaging API channel's provider. */
        public String provider;
        /** Registered callback URLs (at most 400); a redirect_uri must be one, optionally with added query parameters. */
        public List<String> callbackUrls = new ArrayList<>();
        /** {@code published}, or {@code developing}: only admins and testers can log in. */
        public String status = "published";
        public List<String> admins = new ArrayList<>();
        public List<String> testers = new ArrayList<>();
        public String linkedBotChannelId;
        /** {@code web}, {@code mobile}: refresh and revoke need the client secret only for web-only channels. */
        public List<String> appTypes = new ArrayList<>(List.of("web"));
        /** Whether the email permission application is approved, so that the {@code email} scope is allowed. */
        public boolean emailPermission = true;
        public List<LiffAppConfig> liffApps = new ArrayList<>();
    }

    /**
     * A module channel: its id and secret (random when absent) issue its channel access tokens
     * (short-lived, v2.1, stateless; not long-lived, as on LINE), and {@code webhookUrl} receives the
     * webhooks of the bots it is attached to.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class ModuleChannelConfig {
        public String channelId;
        public String channelSecret;
        public String webhookUrl;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class LiffAppConfig {
        /** {@code <login channel id>-<8 letters>}; generated when absent. */
        public String liffId;
        /** https (plain http only on loopback); may be set later through the control API. */
        public String endpointUrl;
        public List<String> scopes = new ArrayList<>(List.of("openid", "profile"));
    }

    public static EmulatorConfig load(Path yaml) throws IOException {
        byte[] bytes = Files.readAllBytes(yaml);
        if (bytes.length == 0) {
            return new EmulatorConfig();
        }
        EmulatorConfig c = Json.yaml().readValue(bytes, EmulatorConfig.class);
        return c == null ? new EmulatorConfig() : c;
    }
}
