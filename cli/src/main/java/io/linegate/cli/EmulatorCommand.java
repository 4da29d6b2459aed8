package io.linegate.cli;

import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code linegate emulator}: a local LINE Platform in the foreground until interrupted. Prints what a
 * bot needs (base URL, channel id, secret, token): this is a local test platform, and the values are
 * random per run unless fixed with options or the config file.
 */
@Command(name = "emulator", mixinStandardHelpOptions = true,
        description = "Run a local LINE Platform (Messaging API, webhooks, channel tokens, LINE Login, LIFF, control API) until interrupted.")
final class EmulatorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "Port for the api.line.me and api-data.line.me paths (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--config", paramLabel = "emulator.yaml", description = "Providers, channels and users (YAML).")
    Path config;

    @Option(names = "--state", paramLabel = "DIR", description = "Save users, friendships and groups here on exit and restore them on start.")
    Path state;

    @Option(names = "--channel-id", description = "Create or override the default channel with this id.")
    String channelId;

    @Option(names = "--channel-secret", description = "The default channel's secret.")
    String channelSecret;

    @Option(names = "--webhook-url", description = "The default channel's webhook URL (plain http only on loopback).")
    String webhookUrl;

    @Option(names = "--login-callback-url", paramLabel = "URL",
            description = "Register a callback URL on the default LINE Login channel (repeatable).")
    List<String> loginCallbackUrls = new ArrayList<>();

    @Option(names = "--liff-endpoint-url", paramLabel = "URL",
            description = "The endpoint URL of the default LINE Login channel's LIFF app (https, or http on loopback).")
    String liffEndpointUrl;

    @Option(names = "--rate-limit-scale", paramLabel = "FACTOR",
            description = "Multiply LINE's rate limits by FACTOR (default: 1, as on the platform).")
    Double rateLimitScale;

    @Option(names = "--no-rate-limits", description = "Disable rate limits entirely (load tests).")
    boolean noRateLimits;

    @Option(names = "--no-spec-validation",
            description = "Skip the OpenAPI schema check of requests (load tests; LINE's documented limits are still enforced).")
    boolean noSpecValidation;

    @Override
    public Integer call() throws Exception {
        Emulator.Builder b = Emulator.builder().port(port);
        if (config != null) {
            b.config(config);
        }
        if (state != null) {
            b.stateDir(state);
        }
        if (channelId != null) {
            b.channelId(channelId);
        }
        if (channelSecret != null) {
            b.channelSecret(channelSecret);
        }
        if (webhookUrl != null) {
            b.webhookUrl(webhookUrl);
        }
        loginCallbackUrls.forEach(b::loginCallbackUrl);
        if (liffEndpointUrl != null) {
            b.liffEndpointUrl(liffEndpointUrl);
        }
        if (rateLimitScale != null) {
            b.rateLimitScale(rateLimitScale);
        }
        if (noRateLimits) {
            b.rateLimits(false);
        }
        if (noSpecValidation) {
            b.validateRequests(false);
        }
        Emulator emulator;
        try {
            emulator = b.build().start();
        } catch (RuntimeException e) {
            RuntimeException said = new Listeners().add("--port", "127.0.0.1", port).explain(e);
            if (!(said instanceof IllegalArgumentException || said instanceof UncheckedIOException)) {
                throw said;
            }
            // A configuration mistake or a port in use: say what is wrong, without a stack trace.
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + said.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            System.out.println(spec.qualifiedName() + ": stopped" + (state != null ? "; users, friendships and groups saved in "
                    + state : ""));
            System.out.flush();
            stopped.countDown();
        }, "linegate-emulator-shutdown"));

        PrintStream out = System.out;
        out.println("linegate emulator: a local LINE Platform on " + emulator.baseUrl());
        out.println("  use it as both https://api.line.me and https://api-data.line.me");
        for (ChannelInfo c : emulator.channels()) {
            out.println();
            out.println("  channel id      " + c.channelId());
            // Printed on purpose: a local, throwaway credential the developer needs to configure the bot.
            out.println("  channel secret  " + c.channelSecret());
            out.println("  access token    " + c.accessToken());
            out.println("  bot user id     " + c.botUserId());
        }
        for (LoginChannelInfo c : emulator.loginChannels()) {
            out.println();
            out.println("  LINE Login channel id      " + c.channelId());
            out.println("  LINE Login channel secret  " + c.channelSecret()); // local and throwaway, as above
            for (String liffId : c.liffIds()) {
                out.println("  LIFF app                   " + liffId + " (open " + emulator.baseUrl() + "/liff/" + liffId + ")");
            }
        }
        out.println("  LINE Login      " + emulator.baseUrl() + "/oauth2/v2.1/authorize (as https://access.line.me);"
                + " users log in as <userId>@emulator.local / password unless given credentials");
        out.println();
        out.println("  chat page       " + emulator.baseUrl() + "/ (talk to the bot as LINE users, in a browser)");
        out.println("  control API     " + emulator.baseUrl() + "/control/v1 (see emulator/README.md)");
        out.println("  rate limits     " + (noRateLimits ? "off" : "x" + (rateLimitScale == null ? 1.0 : rateLimitScale)));
        out.println("  spec validation " + (noSpecValidation ? "off" : "on"));
        if (state != null) {
            out.println("  state           " + state + " (users, channels, secrets and tokens are kept across restarts)");
        }
        out.println("Stop with Ctrl-C.");
        stopped.await();
        return 0;
    }
}
