package io.linegate.emulator;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.nimbusds.jose.jwk.RSAKey;
import io.linegate.core.Secret;
import io.linegate.emulator.chat.ChatPage;
import io.linegate.emulator.control.ControlApi;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.ChannelSettings;
import io.linegate.emulator.domain.EmulatorState;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.Modules;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.Relation;
import io.linegate.emulator.domain.TokenService;
import io.linegate.emulator.domain.User;
import io.linegate.emulator.domain.WebhookDispatcher;
import io.linegate.emulator.http.ApiService;
import io.linegate.emulator.http.Faults;
import io.linegate.emulator.http.LineErrorHandler;
import io.linegate.emulator.http.RateLimiter;
import io.linegate.emulator.http.Router;
import io.linegate.emulator.login.LiffApp;
import io.linegate.emulator.login.LineLogin;
import io.linegate.emulator.login.LoginChannel;
import io.linegate.emulator.messaging.MessagingApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * A local LINE Platform: the Messaging API and channel-access-token paths of {@code api.line.me} and
 * {@code api-data.line.me}, webhook delivery to the bot, LINE Login, LIFF and the account-link dialog
 * of {@code access.line.me}, and a control API, on one port.
 *
 * <pre>
 * try (Emulator e = Emulator.builder().webhookUrl("http://127.0.0.1:8080/callback").build().start()) {
 *     MessagingApiClient client = MessagingApiClient.builder(e.defaultChannel().accessToken())
 *             .apiEndPoint(URI.create(e.baseUrl())).build();
 * }
 * </pre>
 */
public final class Emulator implements AutoCloseable {
    /** The provider of channels that name none. */
    static final String DEFAULT_PROVIDER = "Default provider";
    private final EmulatorConfig config;
    private final Clock clock;
    private final Path stateDir;
    /** What an earlier run with the same {@code --state} saved (channels, secrets, tokens); NONE otherwise. */
    private final Identities saved;
    private final EmulatorState state;
    private final TokenService tokens;
    private final WebhookDispatcher webhooks;
    private final RateLimiter limiter;
    private final Faults faults = new Faults();
    private final Platform platform;
    private final Map<String, ChannelInfo> infos = new LinkedHashMap<>();
    private final LineLogin login;
    private final Map<String, LoginChannelInfo> loginInfos = new LinkedHashMap<>();
    private final List<Modules.Module> moduleChannels = new ArrayList<>();
    private final Server server;
    private final ChatPage chat;
    private final ScheduledExecutorService housekeeping;
    private volatile boolean started;

    private Emulator(Builder b) {
        this.config = b.config != null ? b.config : new EmulatorConfig();
        if (b.port != null) {
            config.port = b.port;
        }
        if (b.rateLimits != null) {
            config.rateLimits.enabled = b.rateLimits;
        }
        if (b.rateLimitScale != null) {
            config.rateLimits.scale = b.rateLimitScale;
        }
        if (b.validateRequests != null) {
            config.validateRequests = b.validateRequests;
        }
        this.clock = b.clock;
        this.stateDir = b.stateDir;
        this.saved = stateDir != null ? Identities.load(stateDir) : Identities.NONE;
        this.state = new EmulatorState(clock);
        this.tokens = new TokenService(state, saved.jwsKey);
        this.webhooks = new WebhookDispatcher(config, clock);
        this.limiter = new RateLimiter(clock, config.rateLimits.enabled, config.rateLimits.scale);
        this.platform = new Platform(state, tokens, webhooks, config);
        this.login = new LineLogin(platform, tokens);
        createChannels(b);
        createLoginChannels(b);
        createModuleChannels();
        for (TokenService.SavedToken t : saved.tokens) {
            tokens.restore(t, clock.instant());
        }
        createUsers();
        if (stateDir != null) {
            StateSnapshot.load(stateDir, state);
        }

        Router router = new Router();
        MessagingApi messaging = new MessagingApi(platform, login.api());
        messaging.register(router);
        login.register(router);
        new ControlApi(platform, faults, limiter).register(router);
        this.chat = new ChatPage(platform, config.chatStreamLimit);
        chat.register(router);
        // Last: whatever messaging-api.yml defines and nothing above simulates.
        messaging.registerUnsimulated(router, Specs.messagingApiTree());
        ApiService service = new ApiService(router, tokens, limiter, faults, clock,
                config.validateRequests ? List.of(Specs.manageAudience(), Specs.insight(), Specs.liff(), Specs.shop(), Specs.module(),
                        Specs.messagingApi()) : List.of(), platform.modules());

        ServerBuilder sb = Server.builder();
        sb.http(new InetSocketAddress(config.host, config.port));
        sb.maxRequestLength(ApiService.MAX_BODY);
        sb.requestTimeout(Duration.ofSeconds(60));
        // Tests start and stop many emulators; nothing here needs draining (state is in memory).
        sb.gracefulShutdownTimeout(Duration.ZERO, Duration.ZERO);
        sb.errorHandler(new LineErrorHandler());
        sb.decorator((delegate, ctx, req) -> {
            ApiService.requestId(ctx); // every response, error pages included, carries x-line-request-id
            return delegate.serve(ctx, req);
        });
        // The control API takes images as Base64, so it gets a larger body limit than the LINE paths.
        sb.route().pathPrefix(ControlApi.PREFIX + "/").maxRequestLength(64L * 1024 * 1024).build(service);
        MessagingApi.uploadPaths().forEach((path, max) -> sb.route().path(path).maxRequestLength(max).build(service));
        // The chat page: its files and its live streams (what it reads is on the router).
        chat.serve(sb);
        sb.serviceUnder("/", service);
        this.server = sb.build();
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emulator-housekeeping");
            t.setDaemon(true);
            return t;
        });
        if (stateDir != null) {
            saveIdentities();
            // Tokens issued or revoked and keys registered are kept at once, not only on a clean stop.
            tokens.onChange(() -> {
                try {
                    housekeeping.execute(this::saveIdentitiesQuietly);
                } catch (RejectedExecutionException stopping) {
                    // close() saves them
                }
            });
        }
    }

    /** Writes what {@code --state} keeps of channels, Login channels and tokens (see {@link Identities}). */
    private synchronized void saveIdentities() {
        List<Identities.ChannelIdentity> channels = new ArrayList<>();
        for (Channel c : state.channels()) {
            channels.add(new Identities.ChannelIdentity(c.channelId(), infos.get(c.channelId()).channelSecret(), c.botUserId(),
                    c.basicId(), Identities.jwks(c.assertionKeys())));
        }
        List<Identities.LoginIdentity> logins = new ArrayList<>();
        for (LoginChannelInfo l : loginInfos.values()) {
            logins.add(new Identities.LoginIdentity(l.channelId(), l.channelSecret(), l.liffIds(),
                    Identities.jwks(tokens.assertionKeys(l.channelId()))));
        }
        List<Identities.LoginIdentity> modules = new ArrayList<>();
        for (Modules.Module m : moduleChannels) {
            modules.add(new Identities.LoginIdentity(m.channelId(), m.secret().reveal(), List.of(),
                    Identities.jwks(tokens.assertionKeys(m.channelId()))));
        }
        new Identities(tokens.jwsKey(), channels, logins, modules, tokens.validTokens(clock.instant())).save(stateDir);
    }

    private void saveIdentitiesQuietly() {
        try {
            saveIdentities();
        } catch (UncheckedIOException e) {
            LoggerFactory.getLogger(Emulator.class).warn("Could not save identities: {}", e.getMessage());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private void createChannels(Builder b) {
        Map<String, EmulatorConfig.Provider> providers = new LinkedHashMap<>();
        for (EmulatorConfig.Provider p : config.providers) {
            providers.put(p.name, p);
        }
        List<EmulatorConfig.ChannelConfig> list = new ArrayList<>(config.channels);
        if (b.channelId != null || b.channelSecret != null || b.webhookUrl != null || list.isEmpty()) {
            // --channel-id/--channel-secret/--webhook-url create or override the default channel.
            EmulatorConfig.ChannelConfig target = null;
            for (EmulatorConfig.ChannelConfig c : list) {
                if (b.channelId != null && b.channelId.equals(c.channelId)) {
                    target = c;
                }
            }
            if (target == null && b.channelId == null && !list.isEmpty()) {
                target = list.get(0);
            }
            if (target == null) {
                target = new EmulatorConfig.ChannelConfig();
                list.add(0, target);
            } else {
                list.remove(target);
                list.add(0, target);
            }
            if (b.channelId != null) {
                target.channelId = b.channelId;
            }
            if (b.channelSecret != null) {
                target.channelSecret = b.channelSecret;
            }
            if (b.webhookUrl != null) {
                target.webhookUrl = b.webhookUrl;
            }
        }
        if (b.providerCertified != null) {
            // The default channel's provider (and so the default Login channel's).
            String name = list.get(0).provider != null ? list.get(0).provider : DEFAULT_PROVIDER;
            EmulatorConfig.Provider p = providers.get(name);
            if (p == null) {
                p = new EmulatorConfig.Provider();
                p.name = name;
                config.providers.add(p);
                providers.put(name, p);
            }
            p.certified = b.providerCertified;
        }
        for (int position = 0; position < list.size(); position++) {
            EmulatorConfig.ChannelConfig cc = list.get(position);
            // --state: a channel the configuration does not pin keeps what the last run generated.
            Identities.ChannelIdentity prev = saved.channel(position, cc.channelId);
            String id = cc.channelId != null ? cc.channelId : prev != null ? prev.channelId() : Ids.channelId();
            if (!id.matches("\\d{1,20}")) {
                throw new IllegalArgumentException("channel id must be digits: " + id);
            }
            String secret = cc.channelSecret != null ? cc.channelSecret
                    : prev != null && prev.channelSecret() != null ? prev.channelSecret() : Ids.hex32(true);
            String bot = cc.botUserId != null ? cc.botUserId
                    : prev != null && prev.botUserId() != null ? prev.botUserId() : Ids.userId();
            if (!Ids.isUserId(bot)) {
                throw new IllegalArgumentException("bot user id must be U + 32 hex characters");
            }
            EmulatorConfig.Provider p = providers.get(cc.provider == null ? DEFAULT_PROVIDER : cc.provider);
            ChannelSettings s = new ChannelSettings(cc.webhookUrl, cc.webhookActive, cc.redelivery, cc.autoReply,
                    cc.autoReplyText, cc.greeting, cc.greetingText, cc.errorStatistics, cc.chat);
            if (s.refusal() != null) {
                throw new IllegalArgumentException("channel " + id + ": " + s.refusal());
            }
            if (cc.webhookUrl != null && !ChannelSettings.validWebhookUrl(cc.webhookUrl, config.allowPlainHttpWebhooks)) {
                throw new IllegalArgumentException("channel " + id + ": webhook URL must be https:// (plain http:// only on"
                        + " loopback unless allowPlainHttpWebhooks is set), at most 500 characters: " + cc.webhookUrl);
            }
            String basicId = cc.basicId != null ? cc.basicId : prev != null && prev.basicId() != null ? prev.basicId()
                    : "@" + Ids.alnum(7, false).toLowerCase(java.util.Locale.ROOT);
            Channel ch = new Channel(id, Secret.of(secret, "channel secret"), bot, basicId, cc.displayName,
                    p == null ? (cc.provider == null ? DEFAULT_PROVIDER : cc.provider) : p.name,
                    p != null && p.certified, s, config.inboxLimit, config.logLimit, config.retryKeyLimit, config.replyTokenLimit);
            ch.quotaLimit(cc.quota);
            for (EmulatorConfig.AssertionKey k : cc.assertionKeys) {
                try {
                    tokens.registerAssertionKey(ch, k.kid, RSAKey.parse(k.jwk));
                } catch (ParseException e) {
                    throw new IllegalArgumentException("channel " + id + ": assertion key " + k.kid + " is not an RSA JWK", e);
                }
            }
            if (prev != null) {
                Identities.keys(prev.assertionKeys()).forEach((kid, key) -> tokens.registerAssertionKey(ch, kid, key));
            }
            state.addChannel(ch);
            String token = tokens.issueLongLived(ch, cc.longLivedToken != null ? cc.longLivedToken : saved.longLivedToken(id));
            infos.put(id, new ChannelInfo(id, secret, bot, token));
        }
    }

    /**
     * Module channels from the config (none by default). {@code --state} keeps the ids and secrets the
     * config does not give (matched by position, or by id), not the attachments.
     */
    private void createModuleChannels() {
        for (int position = 0; position < config.moduleChannels.size(); position++) {
            EmulatorConfig.ModuleChannelConfig mc = config.moduleChannels.get(position);
            Identities.LoginIdentity prev = saved.moduleChannel(position, mc.channelId);
            String id = mc.channelId != null ? mc.channelId : prev != null ? prev.channelId() : Ids.channelId();
            if (!id.matches("\\d{1,20}")) {
                throw new IllegalArgumentException("Module channel id must be digits: " + id);
            }
            if (state.channel(id) != null || login.channel(id) != null || platform.modules().module(id) != null) {
                throw new IllegalArgumentException("channel id " + id + " is already in use");
            }
            if (mc.webhookUrl != null && !ChannelSettings.validWebhookUrl(mc.webhookUrl, config.allowPlainHttpWebhooks)) {
                throw new IllegalArgumentException("Module channel " + id + ": invalid webhookUrl " + mc.webhookUrl);
            }
            Secret secret = Secret.of(mc.channelSecret != null ? mc.channelSecret
                    : prev != null && prev.channelSecret() != null ? prev.channelSecret() : Ids.hex32(true), "module channel secret");
            Modules.Module m = new Modules.Module(id, secret, mc.webhookUrl);
            platform.modules().add(m);
            moduleChannels.add(m);
            tokens.registerModuleClient(id, secret);
            if (prev != null) {
                Identities.keys(prev.assertionKeys()).forEach((kid, key) -> tokens.registerAssertionKey(id, kid, key));
            }
        }
    }

    /**
     * LINE Login channels from the config; with none, one default Login channel under the default
     * channel's provider, linked to the default channel, with one LIFF app. The builder's Login options
     * apply to the first.
     */
    private void createLoginChannels(Builder b) {
        List<EmulatorConfig.LoginChannelConfig> list = new ArrayList<>(config.loginChannels);
        Channel bot = state.defaultChannel();
        if (list.isEmpty()) {
            EmulatorConfig.LoginChannelConfig d = new EmulatorConfig.LoginChannelConfig();
            d.linkedBotChannelId = bot.channelId();
            d.liffApps.add(new EmulatorConfig.LiffAppConfig());
            list.add(d);
        }
        EmulatorConfig.LoginChannelConfig first = list.get(0);
        first.callbackUrls.addAll(b.loginCallbackUrls);
        if (b.liffEndpointUrl != null) {
            if (first.liffApps.isEmpty()) {
                first.liffApps.add(new EmulatorConfig.LiffAppConfig());
            }
            first.liffApps.get(0).endpointUrl = b.liffEndpointUrl;
        }
        for (int position = 0; position < list.size(); position++) {
            EmulatorConfig.LoginChannelConfig lc = list.get(position);
            Identities.LoginIdentity prev = saved.loginChannel(position, lc.channelId);
            String id = lc.channelId != null ? lc.channelId : prev != null ? prev.channelId() : Ids.channelId();
            if (!id.matches("\\d{1,20}")) {
                throw new IllegalArgumentException("Login channel id must be digits: " + id);
            }
            String secret = lc.channelSecret != null ? lc.channelSecret
                    : prev != null && prev.channelSecret() != null ? prev.channelSecret() : Ids.hex32(true);
            if (secret.length() < 32) { // HS256 ID tokens are signed with it: at least 256 bits
                throw new IllegalArgumentException("Login channel " + id + ": the channel secret must have at least 32 characters");
            }
            String provider = lc.provider != null ? lc.provider : bot.providerName();
            if (lc.linkedBotChannelId != null) {
                Channel linked = state.channel(lc.linkedBotChannelId);
                if (linked == null || !linked.providerName().equals(provider)) {
                    throw new IllegalArgumentException("Login channel " + id + ": linkedBotChannelId must be a Messaging API"
                            + " channel of the same provider (" + provider + ")");
                }
            }
            if (lc.callbackUrls.size() > LoginChannel.MAX_CALLBACK_URLS) {
                throw new IllegalArgumentException("Login channel " + id + ": at most " + LoginChannel.MAX_CALLBACK_URLS + " callback URLs");
            }
            if (lc.appTypes.isEmpty() || !List.of("web", "mobile").containsAll(lc.appTypes)) {
                throw new IllegalArgumentException("Login channel " + id + ": appTypes must be web and/or mobile");
            }
            boolean certified = config.providers.stream().anyMatch(p -> p.name.equals(provider) && p.certified);
            LoginChannel ch = new LoginChannel(id, Secret.of(secret, "Login channel secret"), provider,
                    certified, lc.linkedBotChannelId, Set.copyOf(lc.appTypes).equals(Set.of("web")),
                    lc.emailPermission);
            switch (String.valueOf(lc.status)) {
                case "published" -> ch.status(LoginChannel.Status.PUBLISHED);
                case "developing" -> ch.status(LoginChannel.Status.DEVELOPING);
                default -> throw new IllegalArgumentException("Login channel " + id + ": status must be published or developing");
            }
            ch.admins().addAll(lc.admins);
            ch.testers().addAll(lc.testers);
            for (String url : lc.callbackUrls) {
                ch.addCallbackUrl(url);
            }
            login.add(ch);
            if (prev != null) {
                Identities.keys(prev.assertionKeys()).forEach((kid, key) -> tokens.registerAssertionKey(id, kid, key));
            }
            List<String> liffIds = new ArrayList<>();
            for (int app = 0; app < lc.liffApps.size(); app++) {
                EmulatorConfig.LiffAppConfig la = lc.liffApps.get(app);
                String liffId = la.liffId != null ? la.liffId
                        : prev != null && app < prev.liffIds().size() ? prev.liffIds().get(app) : id + "-" + Ids.alnum(8, false);
                login.addLiffApp(new LiffApp(liffId, ch, la.scopes, la.endpointUrl));
                liffIds.add(liffId);
            }
            loginInfos.put(id, new LoginChannelInfo(id, secret, liffIds));
        }
    }

    private void createUsers() {
        for (EmulatorConfig.UserConfig u : config.users) {
            String id = u.userId != null ? u.userId : Ids.userId();
            state.users().put(id, new User(id, u.displayName, u.pictureUrl, u.statusMessage, u.language));
            if (u.email != null || u.password != null) {
                login.credentials().set(id, u.email, u.password);
            }
            for (Channel ch : state.channels()) {
                if (u.friendOf.contains("*") || u.friendOf.contains(ch.channelId())) {
                    ch.relation(id, Relation.FRIEND);
                }
            }
        }
    }

    public Emulator start() {
        server.start().join();
        started = true;
        // Reply tokens that can no longer become valid are dropped once a minute (bounded memory).
        housekeeping.scheduleWithFixedDelay(() -> state.channels().forEach(c -> c.replyTokens().sweep(clock.instant())),
                1, 1, TimeUnit.MINUTES);
        return this;
    }

    public int port() {
        return server.activeLocalPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public ChannelInfo defaultChannel() {
        return infos.get(state.defaultChannel().channelId());
    }

    /** Every configured channel, the default first. */
    public List<ChannelInfo> channels() {
        return List.copyOf(infos.values());
    }

    /** The default LINE Login channel (the first configured one). */
    public LoginChannelInfo defaultLoginChannel() {
        return loginInfos.values().iterator().next();
    }

    /** Every LINE Login channel, the default first. */
    public List<LoginChannelInfo> loginChannels() {
        return List.copyOf(loginInfos.values());
    }

    /** The module channels of the configuration ({@code moduleChannels}), in its order; none by default. */
    public List<ModuleChannelInfo> moduleChannels() {
        return moduleChannels.stream().map(m -> new ModuleChannelInfo(m.channelId(), m.secret().reveal())).toList();
    }

    /**
     * Registers a public key for JWT assertions of {@code channelId} (a Messaging API or LINE Login
     * channel), as on the console's Basic settings tab, and returns its kid.
     */
    public String registerAssertionKey(String channelId, RSAKey publicKey) {
        String kid = Ids.alnum(22, false);
        if (!tokens.registerAssertionKey(channelId, kid, publicKey)) {
            throw new IllegalArgumentException("unknown channel " + channelId);
        }
        return kid;
    }

    /** Chat page streams open now (tests of their bound). */
    int openChatStreams() {
        return chat.openStreams();
    }

    /** The emulator's state, for in-process tests that need to look past the HTTP API. */
    EmulatorState state() {
        return state;
    }

    @Override
    public void close() {
        if (stateDir != null) {
            try {
                StateSnapshot.save(stateDir, state);
            } catch (UncheckedIOException e) {
                LoggerFactory.getLogger(Emulator.class).warn("Could not save state: {}", e.getMessage());
            }
            saveIdentitiesQuietly();
        }
        housekeeping.shutdownNow();
        chat.close();
        webhooks.close();
        if (started) {
            // Stopping an Armeria server takes about 2 s (Netty's quiet period for its boss loop),
            // long after the listening socket is closed. On an ephemeral port nobody waits for the
            // port, so tests that start and stop many emulators don't pay that; a fixed port is
            // only reported free once it really is.
            CompletableFuture<Void> stopped = server.stop();
            if (config.port != 0) {
                stopped.join();
            }
        } else {
            server.close();
        }
    }

    /** Configures an {@link Emulator}; every setting has a default. */
    public static final class Builder {
        private Integer port;
        private EmulatorConfig config;
        private Path stateDir;
        private String channelId;
        private String channelSecret;
        private String webhookUrl;
        private Boolean rateLimits;
        private Double rateLimitScale;
        private Boolean validateRequests;
        private Boolean providerCertified;
        private final List<String> loginCallbackUrls = new ArrayList<>();
        private String liffEndpointUrl;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** 0 (the default) picks an ephemeral port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder config(EmulatorConfig config) {
            this.config = config;
            return this;
        }

        public Builder config(Path yaml) {
            try {
                this.config = EmulatorConfig.load(yaml);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + yaml, e);
            }
            return this;
        }

        /** Where users and friendships are saved on close and restored on start (JSON snapshot). */
        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        public Builder channelId(String id) {
            this.channelId = id;
            return this;
        }

        public Builder channelSecret(String secret) {
            this.channelSecret = secret;
            return this;
        }

        public Builder webhookUrl(String url) {
            this.webhookUrl = url;
            return this;
        }

        public Builder rateLimits(boolean enabled) {
            this.rateLimits = enabled;
            return this;
        }

        /** Multiplies every rate limit; 0 or less disables them. */
        public Builder rateLimitScale(double scale) {
            this.rateLimitScale = scale;
            return this;
        }

        /**
         * Validate requests against LINE's OpenAPI spec (default on). The documented limits (5 messages,
         * 5,000 UTF-16 units, emoji {@code $}, 2 MB...) are always checked; turning the schema check off
         * roughly quintuples throughput for load tests.
         */
        public Builder validateRequests(boolean validate) {
            this.validateRequests = validate;
            return this;
        }

        /**
         * Whether the default channel's provider is certified: its admins get request_timeout notices,
         * and {@code bot_prompt=normal} pre-checks the add-friend option.
         */
        public Builder providerCertified(boolean certified) {
            this.providerCertified = certified;
            return this;
        }

        /** Registers a callback URL on the default LINE Login channel; repeatable. */
        public Builder loginCallbackUrl(String url) {
            this.loginCallbackUrls.add(url);
            return this;
        }

        /** The endpoint URL of the default LINE Login channel's first LIFF app (https, or http on loopback). */
        public Builder liffEndpointUrl(String url) {
            this.liffEndpointUrl = url;
            return this;
        }

        /** The clock used for every expiry (tokens, reply tokens, retry keys, narrowcast phases, codes). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Emulator build() {
            return new Emulator(this);
        }

        /** Builds and starts. */
        public Emulator start() {
            return build().start();
        }
    }
}
