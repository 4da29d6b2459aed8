package io.linegate.cli;

import io.linegate.messaging.token.TokenManager;
import io.linegate.server.LinegateServer;
import io.linegate.server.ServerTls;
import io.linegate.webhook.FloodPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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

    @Option(names = "--bot", defaultValue = "echo", description = "Bot to run (default: ${DEFAULT-VALUE}).")
    String bot;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8443", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Mixin
    DataDir store;

    @Option(names = "--lease-time", defaultValue = "PT10S", description = "Several nodes on one store: how long a node's"
            + " partitions stay its own without a heartbeat, so how soon others take over a dead node's events (default: ${DEFAULT-VALUE}).")
    Duration leaseTime;

    @Option(names = "--warm-up", defaultValue = "PT20S", description = "Warm the acknowledgement path on synthetic webhooks"
            + " (a scratch store, never the bot) before taking traffic, for at most this long; until then /health answers 503"
            + " and so do webhooks. PT0S: off (default: ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Option(names = "--exit-when-ready", hidden = true, description = "Start, warm up, then stop: the training run"
            + " that builds the class-data archive ./linegate starts serve with.")
    boolean exitWhenReady;

    @Option(names = "--ack-deadline", defaultValue = "PT1S", description = "A webhook the store has not committed within this"
            + " is answered 503 rather than late, and new ones are refused until the store catches up (default: ${DEFAULT-VALUE}).")
    Duration ackDeadline;

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

    @Option(names = "--dev-tls", description = "Self-signed certificate for localhost (development only).")
    boolean devTls;

    @Option(names = "--insecure-http", description = "Plain HTTP: loopback tests, or behind a TLS-terminating proxy.")
    boolean insecureHttp;

    @Option(names = "--webhook-path", defaultValue = "/webhook", description = "Webhook path (default: ${DEFAULT-VALUE}).")
    String webhookPath;

    @Option(names = "--workers", defaultValue = "32", description = "Conversations handled at once (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--max-attempts", defaultValue = "5", description = "Attempts before dead-lettering (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--dedupe-window", defaultValue = "PT24H", description = "How long event ids are remembered (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration dedupeWindow;

    @Option(names = "--flood-limit", defaultValue = "120", description = "Events per source per minute before --flood-action (default: ${DEFAULT-VALUE}).")
    int floodLimit;

    @Option(names = "--flood-action", defaultValue = "THROTTLE", description = "THROTTLE, DROP or ROUTE (default: ${DEFAULT-VALUE}).")
    FloodPolicy.Action floodAction;

    @Option(names = "--api-log-retention", defaultValue = "P30D", description = "How long API request log entries are kept (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration apiLogRetention;

    @Option(names = "--api-log-bodies", defaultValue = "off", description = "Keep request bodies in the API request log: off, redacted or full (default: ${DEFAULT-VALUE}).")
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
        ServerTls tls = tls();
        ChannelSettings settings = ChannelSettings.load(config, linegate.env);
        LinegateServer.Builder builder = LinegateServer.builder(Bots.named(bot), settings.channelSecret)
                .host(host).port(port).storeLocation(store.location()).tls(tls).webhookPath(webhookPath)
                .warmUp(warmUp).ackDeadline(ackDeadline)
                .apiBase(apiBase != null ? apiBase : settings.apiBase)
                .floodPolicy(new FloodPolicy(floodLimit, floodAction))
                .apiLog(apiLogRetention, apiLogBodies)
                .pushWhenReplyFails(pushWhenReplyFails)
                .channelId(settings.channelId)
                .dispatcher(d -> d.workers(workers).maxAttempts(maxAttempts).dedupeWindow(dedupeWindow)
                        .leases(leaseTime, heartbeat(leaseTime)));
        if (settings.previousChannelSecret != null) {
            builder.previousSecret(settings.previousChannelSecret, settings.previousChannelSecretUntil);
        }
        String type = settings.tokenType(tokenType);
        if ("long-lived".equals(type)) {
            builder.tokens(TokenManager.longLived(settings.channelAccessToken));
        } else if (type != null) {
            builder.tokens(settings.managedTokens(type, tokenLifetime));
        }
        if (settings.adminToken != null) {
            builder.adminToken(settings.adminToken);
        }
        LinegateServer server = builder.build().start();
        if (exitWhenReady) {
            server.close();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "linegate-shutdown"));
        System.out.println("linegate: bot '" + bot + "' listening on " + server.baseUri() + webhookPath);
        stopped.await();
        return 0;
    }

    /** A heartbeat every second, or a third of a shorter lease time. */
    private static Duration heartbeat(Duration leaseTime) {
        Duration third = leaseTime.dividedBy(3);
        return third.compareTo(Duration.ofSeconds(1)) < 0 ? third : Duration.ofSeconds(1);
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
            return ServerTls.selfSigned();
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
