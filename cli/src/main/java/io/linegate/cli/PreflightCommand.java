package io.linegate.cli;

import io.linegate.cli.preflight.Check;
import io.linegate.cli.preflight.Deployment;
import io.linegate.cli.preflight.KafkaTopicCheck;
import io.linegate.cli.preflight.Preflight;
import io.linegate.cli.preflight.Report;
import io.linegate.journal.kafka.KafkaLocation;
import io.linegate.journal.kafka.KafkaTopicSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code linegate preflight}: the guidelines' "Items to check before releasing the LINE bot", checked
 * against a real deployment: the webhook settings at LINE, the bot server as LINE sees it, the
 * sending precautions and operations of the running server, and LINE Login when given.
 */
@Command(name = "preflight", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check a deployment against the guidelines' release checklist: one line per check (pass, warn,"
                + " fail, skip) with its reason and guideline section. Exit code 0 when nothing fails, 1 when something"
                + " does, 2 for bad options.",
                "Needs LINE_CHANNEL_SECRET and LINE_CHANNEL_ID (a one-off stateless token is issued) or"
                + " LINE_CHANNEL_ACCESS_TOKEN; with LINEGATE_ADMIN_TOKEN it also reads the server's /admin/status."
                + " Calls LINE's test webhook once (LINE allows 60 an hour)."})
final class PreflightCommand implements Callable<Integer> {
    @ParentCommand
    Linegate linegate;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "The bot's webhook URL, as it must be registered at LINE (https).")
    URI url;

    @Option(names = "--config", paramLabel = "FILE", description = "The server's YAML config (environment variables win).")
    Path config;

    @Option(names = "--api-base", paramLabel = "URL", description = "Messaging API base URL (default: the config's, else https://api.line.me).")
    URI apiBase;

    @Option(names = "--admin-url", paramLabel = "URL", description = "Where the server's admin listener is (default: the webhook URL's scheme on localhost:8444,"
            + " serve's --admin-port, which binds this machine only).")
    URI adminUrl;

    @Option(names = "--console-api", paramLabel = "URL",
            description = "Where the consoles' settings can be read: the emulator's control API (default: API base"
                    + " + /control/v1 unless it is LINE's; LINE has no such API).")
    URI consoleApi;

    @Option(names = "--trust", paramLabel = "PEM",
            description = "Also trust the certificates of this PEM file (a private CA, or a --dev-tls server's certificate).")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--verify-requests", defaultValue = "20", paramLabel = "N",
            description = "Signed Verify requests to measure (default: ${DEFAULT-VALUE}).")
    int verifyRequests;

    @Option(names = "--timeout", defaultValue = "PT10S", paramLabel = "ISO-8601",
            description = "Time allowed for each connection and answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--login-channel-id", paramLabel = "ID",
            description = "A LINE Login channel of the site: its callback URLs are read from the console API.")
    String loginChannelId;

    @Option(names = "--login-callback", paramLabel = "URL",
            description = "A callback URL registered on the Login channel (repeatable; LINE has no API that lists them).")
    List<String> loginCallbacks = new ArrayList<>();

    @Option(names = "--login-start", paramLabel = "URL",
            description = "The site's \"Log in with LINE\" address, to check state, nonce and PKCE.")
    URI loginStart;

    @Mixin
    JournalOption journal;

    @Option(names = "--json", description = "Print the results as JSON (for CI pipelines).")
    boolean json;

    @Option(names = "--debug", paramLabel = "FILE", description = "Write the probes' log (TLS handshakes, HTTP"
            + " clients, at DEBUG) to FILE; without it they log nothing, and standard output holds the report only.")
    Path debug;

    @Override
    public Integer call() {
        Deployment.Target target = target();
        List<Check> more = new ArrayList<>();
        KafkaLocation kafka = journal.kafka();
        Report report;
        try (PreflightLogging quiet = PreflightLogging.during(debug)) {
            if (kafka != null) {
                // Refused at once (exit code 2, one line naming the servers) when the brokers or the topic are not there.
                more.add(new KafkaTopicCheck(KafkaTopicSettings.read(kafka, journal.kafkaSettings(), timeout)));
            }
            try (Deployment d = new Deployment(target)) {
                report = Preflight.run(d, more);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            report.printJson(out);
        } else {
            report.printText(out);
        }
        return report.passed() ? 0 : 1;
    }

    /** The options and settings, checked: a mistake here is a usage error (exit code 2) with one line saying what. */
    Deployment.Target target() {
        if (url.getScheme() == null || !url.getScheme().equalsIgnoreCase("https") || url.getHost() == null) {
            throw new IllegalArgumentException("--url must be an https:// URL with a host name, not " + url
                    + ": LINE delivers webhooks over HTTPS only (TLS 1.2 or later)");
        }
        if (verifyRequests < 1 || verifyRequests > 1000) {
            throw new IllegalArgumentException("--verify-requests must be between 1 and 1000");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("--timeout must be between 1 ms and 1 minute (ISO-8601, e.g. PT10S)");
        }
        ChannelSettings settings = ChannelSettings.load(config, linegate.env, apiBase);
        settings.printWarnings(spec);
        if (settings.channelId == null && settings.channelAccessToken == null) {
            throw new IllegalArgumentException("preflight reads the webhook settings at LINE: set LINE_CHANNEL_ID (a"
                    + " one-off stateless token is issued) or LINE_CHANNEL_ACCESS_TOKEN");
        }
        URI api = checkedHttp("--api-base", apiBase != null ? apiBase : settings.apiBase);
        URI admin = adminUrl != null ? checkedHttp("--admin-url", adminUrl)
                : URI.create(url.getScheme() + "://localhost:" + ServeCommand.DEFAULT_ADMIN_PORT);
        URI console = consoleApi != null ? checkedHttp("--console-api", consoleApi)
                : "api.line.me".equalsIgnoreCase(api.getHost()) ? null
                : URI.create(api.toString().replaceAll("/+$", "") + "/control/v1");
        if (loginStart != null) {
            checkedHttp("--login-start", loginStart);
        }
        for (Path p : trust) {
            if (!p.toFile().isFile()) {
                throw new IllegalArgumentException("--trust " + p + ": no such file");
            }
        }
        return new Deployment.Target(url, api, admin, console, settings.channelSecret, settings.channelId,
                settings.channelAccessToken, settings.adminToken, List.copyOf(trust), verifyRequests, loginChannelId,
                List.copyOf(loginCallbacks), loginStart, timeout);
    }

    private static URI checkedHttp(String option, URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || u.getHost() == null) {
            throw new IllegalArgumentException(option + " must be an http(s):// URL with a host name, not " + u);
        }
        return u;
    }
}
