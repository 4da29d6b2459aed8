package io.linegate.cli;

import io.linegate.core.Defaults;
import io.linegate.runtime.LinegateRuntime;
import io.linegate.server.LinegateServer;
import io.linegate.runtime.RuntimeConfig;
import io.linegate.server.ServerTls;
import io.linegate.webhook.Bot;
import io.linegate.webhook.FloodPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code linegate serve}: host a bot until stopped (SIGTERM or Ctrl-C stops it gracefully). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run a bot: verify, journal and acknowledge webhooks, then handle them in order.")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Linegate linegate;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--bot", description = "Bot to run, by name: one of --bot-jar's (default: the jar's only bot),"
            + " or without --bot-jar one on linegate's class path (default: echo).")
    String bot;

    @Option(names = "--bot-jar", paramLabel = "JAR", description = "Jar holding the bot (its BotFactory listed in"
            + " META-INF/services/io.linegate.webhook.BotFactory); repeat it for the bot's libraries.")
    List<Path> botJars = new ArrayList<>();

    @Option(names = "--bot-setting", paramLabel = "KEY=VALUE", description = "A setting for the bot's factory"
            + " (repeatable; wins over the config file's 'bot:' map).")
    Map<String, String> botSettings = new LinkedHashMap<>();

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8443", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Mixin
    DataDir store;

    @Mixin
    JournalOption journal;

    @Option(names = "--lease-time", defaultValue = Defaults.LEASE_TIME_TEXT, description = "Several nodes on one store: how long a node's"
            + " partitions stay its own without a heartbeat, so how soon others take over a dead node's events (default: ${DEFAULT-VALUE}).")
    Duration leaseTime;

    @Option(names = "--warm-up", defaultValue = Defaults.WARM_UP_TEXT, description = "Warm the acknowledgement path on synthetic webhooks"
            + " (a scratch store, never the bot) before taking traffic, until its p99 settles, for at most this long (up to three times"
            + " as long while the JIT is still compiling); until then /health answers 503"
            + " and so do webhooks. PT0S: off (default: ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Option(names = "--exit-when-ready", hidden = true, description = "Start, warm up, then stop: the training run"
            + " that builds the class-data archive ./linegate starts serve with.")
    boolean exitWhenReady;

    @Option(names = "--ack-deadline", defaultValue = Defaults.ACK_DEADLINE_TEXT, description = "A webhook the store has not committed within this"
            + " is answered 503 rather than late, and new ones are refused until the store catches up (default: ${DEFAULT-VALUE}).")
    Duration ackDeadline;

    /** Where the admin listener is unless --admin-port says otherwise (linegate admin and preflight look there). */
    static final int DEFAULT_ADMIN_PORT = 8444;

    @Option(names = "--admin-port", defaultValue = "" + DEFAULT_ADMIN_PORT,
            description = "The admin listener's port: /metrics, /health and the admin API (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--admin-host", defaultValue = "127.0.0.1",
            description = "Address the admin listener binds (default: ${DEFAULT-VALUE}, this machine only).")
    String adminHost;

    @Option(names = "--max-body-memory", defaultValue = "" + Defaults.MAX_BODY_MEMORY_MIB, paramLabel = "MIB",
            description = "MiB of request bodies held in memory at once, all requests together; past it new requests"
                    + " get 503 (default: ${DEFAULT-VALUE}).")
    long maxBodyMemoryMib;

    @Option(names = "--max-connections", defaultValue = "" + Defaults.MAX_CONNECTIONS,
            description = "Connections open at once; more are closed at once (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--config", description = "YAML file with channel settings (environment variables win).")
    Path config;

    @Option(names = "--api-base", description = "Messaging API base URL, e.g. the emulator's (default: https://api.line.me).")
    URI apiBase;

    @Option(names = "--tls-cert", description = "PEM certificate chain.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (PKCS#8).")
    Path tlsKey;

    @Option(names = "--tls-pkcs12", description = "PKCS#12 key store; its password in LINEGATE_TLS_PASSWORD.")
    Path tlsPkcs12;

    @Option(names = "--dev-tls", description = "Self-signed certificate for localhost (development only), kept in the data"
            + " directory as " + ServerTls.DEV_TLS_CERTIFICATE + " for clients to trust (preflight --trust) and reused at each start.")
    boolean devTls;

    @Option(names = "--insecure-http", description = "Plain HTTP: loopback tests, or behind a TLS-terminating proxy.")
    boolean insecureHttp;

    @Option(names = "--webhook-path", defaultValue = "/webhook", description = "Webhook path (default: ${DEFAULT-VALUE}).")
    String webhookPath;

    @Option(names = "--workers", defaultValue = "" + Defaults.WORKERS, description = "Conversations handled at once (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--max-attempts", defaultValue = "" + Defaults.MAX_ATTEMPTS, description = "Attempts before dead-lettering (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--dedupe-window", defaultValue = Defaults.DEDUPE_WINDOW_TEXT, description = "How long event ids are remembered (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration dedupeWindow;

    @Option(names = "--flood-limit", defaultValue = "120", description = "Events per source per minute before --flood-action (default: ${DEFAULT-VALUE}).")
    int floodLimit;

    @Option(names = "--flood-action", defaultValue = "THROTTLE", description = "THROTTLE, DROP or ROUTE (default: ${DEFAULT-VALUE}).")
    FloodPolicy.Action floodAction;

    @Option(names = "--api-log-retention", defaultValue = Defaults.API_LOG_RETENTION_TEXT, description = "How long API request log entries are kept (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration apiLogRetention;

    @Option(names = "--api-log-bodies", defaultValue = Defaults.API_LOG_BODIES, description = "Keep request bodies in the API request log: off, redacted or full (default: ${DEFAULT-VALUE}).")
    String apiLogBodies;

    @Option(names = "--token-type", description = "Channel access tokens: long-lived (LINE_CHANNEL_ACCESS_TOKEN), short-lived,"
            + " stateless or v2.1 (managed: need LINE_CHANNEL_ID). Default: long-lived if a token is given, else stateless"
            + " if a channel id is given, else no sending.")
    String tokenType;

    @Option(names = "--token-lifetime", defaultValue = "P30D", description = "Lifetime of v2.1 tokens (ISO-8601, at most P30D; default: ${DEFAULT-VALUE}).")
    Duration tokenLifetime;

    @Option(names = "--push-when-reply-fails", description = "Push instead when a reply token is refused (costs message quota).")
    boolean pushWhenReplyFails;

    @Override
    public Integer call() throws Exception {
        checkPort("--port", port);
        checkPort("--admin-port", adminPort);
        if (adminPort == port && port != 0) {
            throw new IllegalArgumentException("--admin-port must differ from --port (both are " + port + ")");
        }
        if (maxBodyMemoryMib < 1) {
            throw new IllegalArgumentException("--max-body-memory must be at least 1 (MiB), was " + maxBodyMemoryMib);
        }
        ServerTls tls = tls();
        ChannelSettings settings = ChannelSettings.load(config, linegate.env, apiBase);
        settings.printWarnings(spec);
        RuntimeConfig runtimeConfig = settings.runtime(store.location(), apiBase, tokenType, tokenLifetime)
                .apiLog(new RuntimeConfig.ApiLog(apiLogRetention, apiLogBodies))
                .pushWhenReplyFails(pushWhenReplyFails)
                .dispatch(new RuntimeConfig.Dispatch(workers, maxAttempts, dedupeWindow, new FloodPolicy(floodLimit, floodAction),
                        leaseTime))
                .build();
        if (!exitsOnOutOfMemory()) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": warning: this JVM runs without -XX:+ExitOnOutOfMemoryError;"
                    + " after an OutOfMemoryError it could stay up without serving (./linegate sets the option)");
        }
        BotLoader bots = BotLoader.of(botJars);
        LinegateServer server;
        LinegateRuntime runtime = null;
        Bot chosen = null;
        LinegateServer built = null; // once built, the server closes the bot itself if it cannot start
        try {
            // The bot is found before anything is opened, so that a wrong name or jar changes nothing.
            BotLoader.Candidate candidate = bots.find(bot != null || !botJars.isEmpty() ? bot : "echo");
            dataDirectory();
            runtime = journal.open(runtimeConfig);
            Map<String, String> botOptions = new LinkedHashMap<>(settings.botSettings);
            botOptions.putAll(botSettings);
            chosen = candidate.create(runtime.environment(botOptions));
            LinegateServer.Builder builder = LinegateServer.builder(chosen, settings.channelSecret).runtime(runtime)
                    .host(host).port(port).adminHost(adminHost).adminPort(adminPort).tls(tls).webhookPath(webhookPath)
                    .warmUp(warmUp).ackDeadline(ackDeadline)
                    .maxBodyBytesInFlight(maxBodyMemoryMib * 1024 * 1024).maxConnections(maxConnections);
            if (settings.previousChannelSecret != null) {
                builder.previousSecret(settings.previousChannelSecret, settings.previousChannelSecretUntil);
            }
            if (settings.adminToken != null) {
                builder.adminToken(settings.adminToken);
            }
            built = builder.build();
            server = built.start();
        } catch (RuntimeException e) {
            if (chosen != null && built == null) {
                chosen.close();
            }
            if (runtime != null) {
                runtime.close();
            }
            journal.close();
            bots.close();
            throw new Listeners().add("--port", host, port).add("--admin-port", adminHost, adminPort).explain(e);
        }
        LinegateRuntime running = runtime;
        String name = chosen.name();
        if (exitWhenReady) {
            server.close();
            running.close();
            journal.close();
            bots.close();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            running.close();
            journal.close();
            bots.close();
            spec.commandLine().getOut().println(spec.qualifiedName() + ": bot '" + name + "' stopped; events not yet"
                    + " handled stay in the store for the next start");
            spec.commandLine().getOut().flush();
            stopped.countDown();
        }, "linegate-shutdown"));
        spec.commandLine().getOut().println(spec.qualifiedName() + ": bot '" + name + "' listening on " + server.baseUri() + webhookPath
                + "; admin listener " + server.adminUri());
        if (devTls) {
            Path certificate = devTlsDirectory().resolve(ServerTls.DEV_TLS_CERTIFICATE);
            spec.commandLine().getOut().println(spec.qualifiedName() + ": --dev-tls certificate (for localhost) in " + certificate
                    + "; clients on this machine trust it with linegate preflight --trust " + certificate + ", curl --cacert "
                    + certificate + ", or the emulator's webhookTrustCertificate");
        }
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }

    private static void checkPort(String option, int value) {
        if (value < 0 || value > 65_535) {
            throw new IllegalArgumentException(option + " must be a port from 0 to 65535, was " + value);
        }
    }

    /** The data directory must exist, unless --create says to make it: a typo must not start an empty bot. */
    private void dataDirectory() throws IOException {
        String location = store.location();
        if (!location.startsWith("sqlite:")) {
            return; // a server store (PostgreSQL) exists or not on its own terms
        }
        Path dataDir = Path.of(location.substring("sqlite:".length()));
        if (Files.isDirectory(dataDir)) {
            return;
        }
        if (Files.exists(dataDir)) {
            throw new IllegalArgumentException("--data-dir " + dataDir + " is not a directory");
        }
        if (!store.create) {
            throw new IllegalArgumentException("the data directory " + dataDir.toAbsolutePath() + " does not exist;"
                    + " check --data-dir, or pass --create to make a new one");
        }
        Files.createDirectories(dataDir);
    }

    /**
     * Where --dev-tls keeps its certificate: in the data directory, or for a server store (which has none)
     * in linegate-dev-tls under the system's temporary directory.
     */
    private Path devTlsDirectory() {
        String location = store.location();
        return location.startsWith("sqlite:") ? Path.of(location.substring("sqlite:".length())).toAbsolutePath()
                : Path.of(System.getProperty("java.io.tmpdir"), "linegate-dev-tls");
    }

    private static boolean exitsOnOutOfMemory() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.equals("-XX:+ExitOnOutOfMemoryError") || a.equals("-XX:+CrashOnOutOfMemoryError"));
    }

    private ServerTls tls() {
        int chosen = (insecureHttp ? 1 : 0) + (devTls ? 1 : 0) + (tlsCert != null || tlsKey != null ? 1 : 0)
                + (tlsPkcs12 != null ? 1 : 0);
        if (chosen != 1) {
            throw new IllegalArgumentException("choose exactly one of --tls-cert/--tls-key, --tls-pkcs12, --dev-tls"
                    + " (self-signed, development only) or --insecure-http (loopback tests, behind a TLS proxy):"
                    + " LINE only delivers webhooks over TLS 1.2 or later");
        }
        if (insecureHttp) {
            return ServerTls.insecureHttp();
        }
        if (devTls) {
            return ServerTls.selfSignedIn(devTlsDirectory());
        }
        if (tlsPkcs12 != null) {
            String password = linegate.env.getOrDefault("LINEGATE_TLS_PASSWORD", "");
            return ServerTls.pkcs12(tlsPkcs12, password.toCharArray());
        }
        if (tlsCert == null || tlsKey == null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        return ServerTls.pem(tlsCert, tlsKey);
    }
}
