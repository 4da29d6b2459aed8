package io.linegate.server;

import io.linegate.console.Console;
import io.linegate.runtime.LineMeters;
import io.linegate.core.Defaults;
import io.linegate.runtime.WarmUp;
import io.linegate.runtime.WebhookAnswer;
import io.linegate.runtime.ServerStatus;
import io.linegate.runtime.TokenSettings;
import io.linegate.runtime.RuntimeConfig;
import io.linegate.runtime.LinegateRuntime;
import io.linegate.core.RateLimitedLog;
import io.linegate.runtime.BodyBudget;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerPort;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import com.linecorp.armeria.server.healthcheck.HealthCheckStatus;
import com.linecorp.armeria.server.healthcheck.HealthChecker;
import com.linecorp.armeria.server.healthcheck.SettableHealthChecker;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.store.Store;
import io.linegate.webhook.Bot;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.FloodPolicy;
import io.linegate.webhook.Middleware;
import io.linegate.webhook.WebhookReceiver;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot, hosted: the webhook endpoint, the dispatcher, the store, health, metrics and the admin API
 * on one Armeria server.
 *
 * <pre>{@code
 * LinegateServer server = LinegateServer.builder(bot, Secret.of(System.getenv("LINE_CHANNEL_SECRET"), "LINE_CHANNEL_SECRET"))
 *     .dataDir(Path.of("/var/lib/linegate"))
 *     .tls(ServerTls.pem(cert, key))
 *     .build()
 *     .start();
 * }</pre>
 */
public final class LinegateServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LinegateServer.class);

    private final Server server;
    private final LinegateRuntime runtime;
    private final boolean ownsRuntime;
    private final Bot bot;
    private final Store store;
    private final Dispatcher dispatcher;
    private final PrometheusMeterRegistry registry;
    private final Duration drain;
    private final boolean tls;
    private final SettableHealthChecker ready = new SettableHealthChecker(false);
    private final WarmUp.Settings warmUp;
    private final String webhookPath;
    private final JsonErrors webhookErrors;
    private volatile Secret warmUpToken; // while warming up: requests carrying it go to warmUpService
    private volatile HttpService warmUpService;
    private volatile WarmUp.Result lastWarmUp;
    private final ServerPort publicListener;
    private final ServerPort adminListener; // null without an admin listener
    private final Console console; // null without the admin API or with the console turned off
    /** Where the operator console is served on the admin listener. */
    static final String CONSOLE_PATH = "/console";

    private LinegateServer(Builder b) {
        this.warmUp = b.warmUp;
        this.webhookPath = b.webhookPath;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        this.bot = b.bot;
        this.ownsRuntime = b.runtime == null;
        this.runtime = b.runtime != null ? b.runtime
                : b.store != null ? LinegateRuntime.open(b.config.build(), b.store) : LinegateRuntime.open(b.config.build());
        this.store = runtime.store();
        this.drain = b.drain;
        this.tls = b.tls.isTls();
        Dispatcher.Builder dispatching = runtime.dispatcher(b.bot, registry);
        b.middleware.forEach(dispatching::use);
        this.dispatcher = b.dispatcherOptions.apply(dispatching).build();
        WebhookSignature signature = WebhookSignature.of(b.channelSecret);
        if (b.previousSecret != null) {
            signature = signature.withPrevious(b.previousSecret, b.previousSecretUntil);
        }
        WebhookReceiver receiver = new WebhookReceiver(signature, store.journal(), dispatcher::appended, b.clock)
                .ackDeadline(b.ackDeadline, registry);

        RateLimitedLog clientErrors = new RateLimitedLog(LoggerFactory.getLogger("linegate.client-errors"), 20,
                Duration.ofSeconds(10));
        JsonErrors errors = new JsonErrors(clientErrors);
        BodyBudgetDecorator budget = new BodyBudgetDecorator(new BodyBudget(b.maxBodyBytesInFlight, b.maxBodyBytes, registry),
                clientErrors);
        this.webhookErrors = errors;
        HealthChecker storeWritable = HealthChecker.of(() -> java.util.concurrent.CompletableFuture.completedFuture( // not
                new HealthCheckStatus(store.writeHealth().writable(), 250)), Duration.ofMillis(250)); // ready while it cannot write
        StoreMeters.bind(registry, store, runtime.localStoreDir().orElse(null));
        LogMeters.bind(registry, store.cluster());
        runtime.sender().ifPresent(sender -> LineMeters.bind(registry, sender.lineFigures()));
        ServerBuilder sb = Server.builder();
        BossLoops.install(sb);
        SessionProtocol protocol = tls ? SessionProtocol.HTTPS : SessionProtocol.HTTP;
        this.publicListener = new ServerPort(new InetSocketAddress(b.host, b.port), protocol);
        sb.port(publicListener);
        b.tls.apply(sb);
        sb.maxRequestLength(b.maxBodyBytes)
                .requestTimeout(b.requestTimeout)
                .maxNumConnections(b.maxConnections)
                .http2MaxStreamsPerConnection(b.maxStreamsPerConnection)
                .childChannelPipelineCustomizer(Http1FramingGuard.installer(tls, clientErrors))
                // Client errors are logged once each, rate-limited, by JsonErrors; no second report with a stack trace.
                .unloggedExceptionsReportInterval(Duration.ZERO)
                .gracefulShutdownTimeout(Duration.ofMillis(200), b.drain)
                .meterRegistry(registry)
                .errorHandler(errors)
                .accessLogWriter(new AccessLog(b.webhookPath, registry), true)
                .decorator(budget)
                .decorator((delegate, ctx, req) -> {
                    ctx.addAdditionalResponseHeader("x-request-id", ctx.id().text());
                    return delegate.serve(ctx, req);
                });
        // Each listener has its own routes (a port's virtual host also serves the default host's, so that stays empty).
        sb.virtualHost(publicListener)
                .service(b.webhookPath, new WebhookService(receiver, errors).decorate(delegate -> (ctx, req) -> {
                    if (ready.isHealthy()) {
                        return store.writeHealth().writable() ? delegate.serve(ctx, req) // logged by the store
                                : JsonErrors.response(HttpStatus.SERVICE_UNAVAILABLE, WebhookAnswer.CANNOT_STORE.message());
                    }
                    HttpService warming = warmUpService;
                    Secret token = warmUpToken;
                    if (warming != null && token != null && token.matches(req.headers().get(WarmUp.HEADER, ""))) {
                        ctx.setAttr(ArmeriaWarmUp.REQUEST, Boolean.TRUE);
                        return warming.serve(ctx, req);
                    }
                    return JsonErrors.response(HttpStatus.SERVICE_UNAVAILABLE, "The bot server is starting; try again later");
                }))
                // Ready: webhooks are acknowledged (after the warm-up). Live: the process answers.
                .service("/health", HealthCheckService.builder().checkers(ready, storeWritable).build())
                .service("/health/live", HealthCheckService.of());
        RuntimeConfig config = runtime.config();
        ServerStatus status = new ServerStatus(b.bot.name(), b.webhookPath, b.tls.toString(),
                runtime.sender().isEmpty() ? null : new ServerStatus.Sending(config.apiBase(),
                        runtime.tokens().orElse(null), runtime.tokens().isEmpty(), config.channelId() != null,
                        config.apiLog().retention(), config.apiLog().bodies()),
                store, runtime.localStoreDir().orElse(null), dispatcher, b.clock);
        if (b.adminPort >= 0) {
            // The operator's side on a listener of its own, on loopback by default: metrics and the admin API.
            this.adminListener = new ServerPort(new InetSocketAddress(b.adminHost, b.adminPort), protocol);
            sb.port(adminListener);
            var admin = sb.virtualHost(adminListener)
                    .service("/health", HealthCheckService.builder().checkers(ready, storeWritable).build())
                    .service("/health/live", HealthCheckService.of())
                    .service("/metrics", (ctx, req) -> HttpResponse.of(HttpStatus.OK,
                            MediaType.parse("text/plain; version=0.0.4; charset=utf-8"), registry.scrape()));
            Console web = null;
            if (b.adminToken != null) {
                AdminAuth auth = new AdminAuth(b.adminToken, clientErrors);
                admin.annotatedService()
                        .decorator(auth)
                        .build(new AdminService(store.controls(), store.deadLetters(), dispatcher, status));
                if (b.console) {
                    // The operator console beside the admin API, behind the same token: its sign-in goes
                    // through the same AdminAuth, so that wrong tokens count against one allowance.
                    web = Console.builder(store, dispatcher, b.adminToken, registry).status(status::report).secure(tls)
                            .basePath(CONSOLE_PATH).build();
                    HttpService page = new ArmeriaConsole(web);
                    admin.service(CONSOLE_PATH, page)
                            .serviceUnder(CONSOLE_PATH + "/", page)
                            .service(CONSOLE_PATH + "/api/signin", page.decorate(auth));
                }
            }
            this.console = web;
        } else {
            this.adminListener = null;
            this.console = null;
        }
        this.server = sb.build();
        if (console != null) {
            console.start();
        }
        runtime.startHousekeeping();
        log.info("bot '{}' on {} {} (webhook {}; sending {}; admin listener {}; admin API {}; store {}{})", b.bot.name(),
                b.tls, b.port, b.webhookPath, runtime.sender().isEmpty() ? "off" : "via " + config.apiBase(),
                b.adminPort < 0 ? "off" : b.adminHost + ":" + b.adminPort, b.adminToken == null ? "off" : "on",
                store.location(), store.cluster().shared() ? ", node " + store.cluster().nodeId() : "");
    }

    /** A server for {@code bot}, built in code with whatever it needs; the channel secret is required. */
    public static Builder builder(Bot bot) {
        return new Builder(bot);
    }

    public static Builder builder(Bot bot, Secret channelSecret) {
        return new Builder(bot).channelSecret(channelSecret);
    }

    /**
     * Starts the server. With a warm-up (see {@link Builder#warmUp}), the port opens at once but
     * {@code /health} reports not ready and webhooks are answered {@code 503} until the
     * acknowledgement path is warm; this method returns when the server is ready.
     */
    public LinegateServer start() {
        listen();
        if (warmUp.off()) {
            dispatcher.start();
            ready.setHealthy(true);
            return this;
        }
        try {
            lastWarmUp = ArmeriaWarmUp.run(warmUp, baseUri(), webhookPath, (token, scratch) -> {
                warmUpService = scratch == null ? null : new WebhookService(scratch, webhookErrors);
                warmUpToken = token;
            });
        } catch (RuntimeException e) {
            log.warn("the warm-up failed; taking traffic without it", e);
        }
        dispatcher.start();
        ready.setHealthy(true);
        return this;
    }

    /**
     * Opens the listeners before the dispatcher starts. If one cannot (a port in use, an address this
     * machine does not have), everything this server holds is closed, the bot and an owned runtime
     * included, so that a failed start leaves no handler running on a store about to be closed, and the
     * failure names the listeners; the cause is the socket's.
     */
    private void listen() {
        try {
            server.start().join();
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            close();
            throw new IllegalStateException("cannot listen on " + publicListener.localAddress() + " (webhook)"
                    + (adminListener == null ? "" : " and " + adminListener.localAddress() + " (admin)") + ": "
                    + cause.getMessage(), cause);
        }
    }

    /** What the warm-up did when this server started; null without one. */
    WarmUp.Result lastWarmUp() {
        return lastWarmUp;
    }

    /** True once the server acknowledges webhooks (after its warm-up). */
    public boolean ready() {
        return ready.isHealthy();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return publicListener.actualPort();
    }

    /** The admin listener's bound port (useful with port 0); -1 without an admin listener. */
    public int adminPort() {
        return adminListener == null ? -1 : adminListener.actualPort();
    }

    /** The admin listener's base URI, for metrics and the admin API; null without an admin listener. */
    public URI adminUri() {
        if (adminListener == null) {
            return null;
        }
        java.net.InetAddress host = adminListener.localAddress().getAddress();
        String name = host == null || host.isAnyLocalAddress() ? "127.0.0.1" : host.getHostAddress();
        return URI.create((tls ? "https" : "http") + "://" + (name.contains(":") ? "[" + name + "]" : name) + ":" + adminPort());
    }

    public URI baseUri() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port());
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Store store() {
        return store;
    }

    /** The runtime the bot runs on (its store, sender, token manager). */
    public LinegateRuntime runtime() {
        return runtime;
    }

    /**
     * Graceful stop: stop accepting, answer the requests in flight (their bodies are journaled first),
     * let running handlers finish, close the bot, and close the runtime and its store (if it opened
     * them). Events not yet handled stay in the journal.
     */
    @Override
    public void close() {
        server.stop().join();
        if (console != null) {
            console.close();
        }
        dispatcher.close(drain);
        try {
            bot.close();
        } catch (RuntimeException e) {
            log.warn("the bot '{}' failed to close", bot.name(), e);
        }
        if (ownsRuntime) {
            runtime.close();
        }
        registry.close();
    }

    public static final class Builder {
        private final Bot bot;
        private Secret channelSecret;
        private Secret previousSecret;
        private Instant previousSecretUntil;
        private Secret adminToken;
        private boolean console = true;
        private final RuntimeConfig.Builder config = RuntimeConfig.builder();
        private RuntimeConfig.Dispatch dispatch = RuntimeConfig.Dispatch.defaults();
        private Store store;
        private LinegateRuntime runtime;
        private String host = "0.0.0.0";
        private int port = 8443;
        private ServerTls tls = ServerTls.selfSigned();
        private String webhookPath = "/webhook";
        private long maxBodyBytes = Defaults.MAX_BODY_BYTES;
        private long maxBodyBytesInFlight = Defaults.MAX_BODY_MEMORY_BYTES;
        private int maxConnections = Defaults.MAX_CONNECTIONS;
        private long maxStreamsPerConnection = Defaults.MAX_STREAMS_PER_CONNECTION;
        private String adminHost = "127.0.0.1";
        private int adminPort = -1;
        private Duration requestTimeout = Defaults.REQUEST_TIMEOUT;
        private Duration ackDeadline = Defaults.ACK_DEADLINE;
        private WarmUp.Settings warmUp = WarmUp.Settings.OFF;
        private Duration drain = Defaults.DRAIN;
        private Clock clock = Clock.systemUTC();
        private UnaryOperator<Dispatcher.Builder> dispatcherOptions = UnaryOperator.identity();
        private final java.util.List<Middleware> middleware = new java.util.ArrayList<>();

        private Builder(Bot bot) {
            this.bot = Objects.requireNonNull(bot, "bot");
        }

        /** The channel secret webhooks are signed with (required). */
        public Builder channelSecret(Secret secret) {
            this.channelSecret = Objects.requireNonNull(secret, "channel secret");
            return this;
        }

        /**
         * Everything the runtime is built from: store, API base, tokens, API log, rate limits, dispatch
         * settings, clock. Setters called after this change the given configuration.
         */
        public Builder runtime(RuntimeConfig config) {
            this.config.store(config.storeLocation()).apiBase(config.apiBase()).tokens(config.tokens())
                    .channelId(config.channelId()).apiLog(config.apiLog()).pushWhenReplyFails(config.pushWhenReplyFails())
                    .rateLimitScale(config.rateLimitScale()).clock(config.clock());
            this.dispatch = config.dispatch();
            this.clock = config.clock();
            return this;
        }

        /**
         * Runs on a runtime the caller opened (and closes, after the server): a bot built by a
         * {@link io.linegate.webhook.BotFactory} from that runtime's environment, say. The runtime's
         * configuration then decides the store, sending and dispatch settings.
         */
        public Builder runtime(LinegateRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /** Accept webhooks signed with the previous secret until {@code until} (secret rotation). */
        public Builder previousSecret(Secret secret, Instant until) {
            this.previousSecret = secret;
            this.previousSecretUntil = until;
            return this;
        }

        /** Sends with this fixed token (the emulator's, say); see {@link #tokens} for managed ones. */
        public Builder accessToken(Secret token) { config.tokens(TokenSettings.fixed(token)); return this; }

        /** Where the channel access token comes from: a fixed one, a long-lived one, or tokens linegate issues and renews. */
        public Builder tokens(TokenSettings tokens) { config.tokens(tokens); return this; }

        /**
         * Turns the admin API on, behind this bearer token, on the admin listener ({@link #adminPort}).
         * The token must be at least 32 characters ({@code openssl rand -hex 32} makes one).
         */
        public Builder adminToken(Secret token) {
            String weakness = token == null ? null : AdminAuth.weakness(token);
            if (weakness != null) {
                throw new IllegalArgumentException(weakness);
            }
            this.adminToken = token;
            return this;
        }

        /**
         * The operator's listener, apart from the webhook's: {@code /metrics}, {@code /health} and, with
         * an {@link #adminToken}, the admin API under {@code /admin}. Off unless a port is given (0 for
         * any free port); it speaks the same TLS as the public port.
         */
        public Builder adminPort(int port) {
            this.adminPort = checkPort(port, "admin port");
            return this;
        }

        /**
         * The operator console in the browser at {@code /console} on the admin listener, behind the admin
         * token (on whenever the admin API is; false turns it off).
         */
        public Builder console(boolean on) {
            this.console = on;
            return this;
        }

        /** The address the admin listener binds, {@code 127.0.0.1} by default: only this machine reaches it. */
        public Builder adminHost(String host) { this.adminHost = Objects.requireNonNull(host, "admin host"); return this; }
        public Builder apiBase(URI apiBase) { config.apiBase(apiBase); return this; }
        public Builder dataDir(Path dir) { config.dataDir(dir); return this; }

        /**
         * Opens the store at {@code location} instead of {@link #dataDir}: {@code sqlite:DIR}, or
         * {@code postgresql://host:5432/db?user=NAME} (password in {@code LINEGATE_STORE_PASSWORD}) for
         * several servers sharing one store, each taking its share of the conversations.
         */
        public Builder storeLocation(String location) { config.store(location); return this; }

        /**
         * Uses a store the caller opened instead of opening one in {@link #dataDir}, for a process that
         * also serves a site on the same data (account links, logins); the caller closes it.
         */
        public Builder store(Store store) { this.store = store; return this; }
        public Builder host(String host) { this.host = host; return this; }
        public Builder port(int port) { this.port = checkPort(port, "port"); return this; }
        public Builder tls(ServerTls tls) { this.tls = tls; return this; }
        public Builder webhookPath(String path) { this.webhookPath = path; return this; }
        public Builder maxBodyBytes(long n) { this.maxBodyBytes = n; return this; }

        /**
         * How many request-body bytes the server holds in memory at once, all requests together
         * (64 MiB by default; at least {@link #maxBodyBytes}). Reserved before a body is read; past it,
         * new requests are answered 503 at once. Keep it well under the heap.
         */
        public Builder maxBodyBytesInFlight(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("the budget of request bodies in memory must be positive, was " + n);
            }
            this.maxBodyBytesInFlight = n;
            return this;
        }

        /** Connections open at once, all listeners together (4,096 by default); more are closed at once. */
        public Builder maxConnections(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("max connections must be at least 1, was " + n);
            }
            this.maxConnections = n;
            return this;
        }

        /** Concurrent HTTP/2 streams per connection (100 by default, the minimum RFC 9113 advises). */
        public Builder maxStreamsPerConnection(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("max streams per connection must be at least 1, was " + n);
            }
            this.maxStreamsPerConnection = n;
            return this;
        }
        public Builder requestTimeout(Duration d) { this.requestTimeout = d; return this; }

        /**
         * Warm the acknowledgement path before taking traffic, for at most {@code maximum} (zero: off,
         * the default here; {@code linegate serve} warms up by default). Until it is warm {@code /health}
         * answers 503 and webhooks get 503; {@code /health/live} answers as long as the process does.
         */
        public Builder warmUp(Duration maximum) {
            if (maximum == null || maximum.isNegative()) {
                throw new IllegalArgumentException("warmUp must be zero (off) or positive");
            }
            return warmUp(WarmUp.Settings.upTo(maximum));
        }

        Builder warmUp(WarmUp.Settings settings) {
            this.warmUp = settings;
            return this;
        }

        /**
         * How long a webhook may wait for the store before it is answered {@code 503} instead of a late
         * {@code 200} (default 1 s, within LINE's 2 seconds with room for the network); while an append is
         * late, further webhooks are refused at once until the store catches up.
         */
        public Builder ackDeadline(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("ackDeadline must be positive");
            }
            this.ackDeadline = d;
            return this;
        }
        public Builder drain(Duration d) { this.drain = d; return this; }
        public Builder clock(Clock clock) { this.clock = clock; config.clock(clock); return this; }

        public Builder floodPolicy(FloodPolicy p) {
            dispatch = new RuntimeConfig.Dispatch(dispatch.workers(), dispatch.maxAttempts(), dispatch.dedupeWindow(), p,
                    dispatch.leaseTime());
            return this;
        }

        /**
         * Adds a link to the bot's middleware chain, after the runtime's own and the bot's
         * ({@link Bot#middleware()}); see {@link Middleware}.
         */
        public Builder use(Middleware link) {
            middleware.add(Objects.requireNonNull(link, "middleware"));
            return this;
        }

        /**
         * The API request log: how long attempts are kept (30 days by default) and whether request
         * bodies are kept: {@code off} (default), {@code redacted} or {@code full}.
         */
        public Builder apiLog(Duration retention, String requestBodies) {
            config.apiLog(new RuntimeConfig.ApiLog(retention, requestBodies));
            return this;
        }

        /**
         * The channel's id: with it, rate-limit buckets are kept in the store and shared by every
         * process of this deployment, so that together they stay under LINE's limits.
         */
        public Builder channelId(String channelId) {
            config.channelId(channelId);
            return this;
        }

        /** Push when a reply is refused (expired reply token); off by default since a push costs quota. */
        public Builder pushWhenReplyFails(boolean on) {
            config.pushWhenReplyFails(on);
            return this;
        }

        /** Tunes the dispatcher (workers, window, attempts, backoff, dedupe window). */
        public Builder dispatcher(UnaryOperator<Dispatcher.Builder> options) {
            this.dispatcherOptions = options;
            return this;
        }

        public LinegateServer build() {
            if (channelSecret == null) {
                throw new IllegalStateException("the channel secret is required: webhooks are checked against it");
            }
            config.dispatch(dispatch);
            if (adminToken != null && adminPort < 0) {
                throw new IllegalStateException("the admin API needs the admin listener: set adminPort"
                        + " (0 for any free port); it is kept off the webhook's port");
            }
            if (adminPort >= 0 && adminPort != 0 && adminPort == port) {
                throw new IllegalStateException("the admin port must differ from the webhook's port (" + port + ")");
            }
            if (maxBodyBytesInFlight < maxBodyBytes) {
                throw new IllegalStateException("the budget of request bodies in memory (" + maxBodyBytesInFlight
                        + " bytes) must be at least the body limit (" + maxBodyBytes + " bytes)");
            }
            return new LinegateServer(this);
        }

        private static int checkPort(int port, String what) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(what + " must be from 0 to 65535, was " + port);
            }
            return port;
        }
    }
}
