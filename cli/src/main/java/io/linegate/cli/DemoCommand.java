package io.linegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.runtime.LinegateRuntime;
import io.linegate.server.LinegateServer;
import io.linegate.runtime.RuntimeConfig;
import io.linegate.server.ServerTls;
import io.linegate.runtime.TokenSettings;
import io.linegate.webhook.Bot;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linegate demo}: the emulator and the echo bot wired to each other on loopback, a scripted
 * conversation printed as a transcript, then both left running to talk to, with the example member
 * site (LINE Login, ID linking, LIFF) beside them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the LINE Platform emulator and the echo bot together and show a conversation.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "Emulator port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bot-port", defaultValue = "8081", description = "Bot port (default: ${DEFAULT-VALUE}).")
    int botPort;

    @Option(names = "--site-port", defaultValue = "8082", description = "Example member site port (default: ${DEFAULT-VALUE}).")
    int sitePort;

    @Option(names = "--data-dir", description = "Bot data directory (default: a fresh temporary one).")
    Path dataDir;

    @Option(names = "--exit", description = "Exit after the scripted conversation instead of staying up.")
    boolean exit;

    static final String DEMO_MEMBER = "alice";
    static final String DEMO_PASSWORD = "alice-demo";
    private String alice;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrintStream out = System.out;
    private String base;

    @Override
    public Integer call() throws Exception {
        // A quiet console, so that the transcript is readable; set LINEGATE_LOG_LEVEL to see more.
        System.setProperty("LINEGATE_ACCESS_LOG", System.getenv().getOrDefault("LINEGATE_ACCESS_LOG", "WARN"));
        System.setProperty("LINEGATE_LOG_LEVEL", System.getenv().getOrDefault("LINEGATE_LOG_LEVEL", "WARN"));
        Path data = dataDir != null ? dataDir : Files.createTempDirectory("linegate-demo");
        boolean temporary = dataDir == null;

        // The member site's callback URL must be registered before the emulator starts, so its port is chosen now.
        int site = sitePort != 0 ? sitePort : freePort();
        String siteUrl = "http://localhost:" + site; // localhost: browsers keep Secure cookies over http there only
        Listeners listeners = new Listeners().add("--port", "127.0.0.1", port).add("--bot-port", "127.0.0.1", botPort)
                .add("--site-port", "127.0.0.1", site);
        Emulator emulator = null;
        LinegateRuntime runtime = null;
        LinegateServer bot;
        ChannelInfo channel;
        LoginChannelInfo login;
        try {
            emulator = Emulator.builder().port(port).loginCallbackUrl(siteUrl + "/callback")
                    .liffEndpointUrl(siteUrl + "/liff").start();
            channel = emulator.defaultChannel();
            login = emulator.defaultLoginChannel();
            base = emulator.baseUrl();
            // The member site and the echo bot are examples, loaded at run time by name, as any bot is.
            RuntimeConfig config = RuntimeConfig.builder().dataDir(data).apiBase(URI.create(base))
                    .tokens(TokenSettings.fixed(Secret.of(channel.accessToken(), "channel access token"))).build();
            BotLoader bots = BotLoader.of(List.of());
            runtime = LinegateRuntime.open(config);
            Bot memberSite = bots.find("member-site").create(runtime.environment(Map.of(
                    "platform", base, "login-channel-id", login.channelId(), "login-channel-secret", login.channelSecret(),
                    "liff-id", login.liffId(), "site-url", siteUrl, "site-port", String.valueOf(site),
                    "members", DEMO_MEMBER + ":" + DEMO_PASSWORD)));
            // If the bot's port is taken, the server closes the member site (the bot) before this throws.
            bot = LinegateServer.builder(memberSite, Secret.of(channel.channelSecret(), "channel secret")).runtime(runtime)
                    .host("127.0.0.1").port(botPort).tls(ServerTls.insecureHttp()).build().start();
        } catch (RuntimeException e) {
            // Nothing left behind: no handler on a closed store, no temporary directory, no listener.
            if (runtime != null) {
                runtime.close();
            }
            if (emulator != null) {
                emulator.close();
            }
            if (temporary) {
                deleteQuietly(data);
            }
            throw listeners.explain(e);
        }
        Emulator platform = emulator;
        LinegateRuntime running = runtime;
        Runnable stop = () -> {
            bot.close();
            running.close();
            platform.close();
            if (temporary) {
                deleteQuietly(data);
            }
        };
        try {
            String webhook = bot.baseUri().resolve("/webhook").toString();
            call("PUT", "/v2/bot/channel/webhook/endpoint", "{\"endpoint\":\"" + webhook + "\"}", channel.accessToken());

            out.println("linegate demo: LINE Platform emulator on " + base + ", echo bot on " + webhook);
            out.println();
            alice = transcript(channel);
            out.println();
            out.println("Both keep running. Chat with the bot as Alice in a browser: " + base + "/?user=" + alice);
            out.println("Or talk to it through the emulator's control API, for example:");
            out.println("  curl -s -X POST " + base + "/control/v1/users -d '{\"displayName\":\"Bob\"}'");
            out.println("  curl -s -X POST " + base + "/control/v1/users/USER_ID/follow");
            out.println("  curl -s -X POST " + base + "/control/v1/users/USER_ID/messages -d '{\"type\":\"text\",\"text\":\"hi\"}'");
            out.println("  curl -s " + base + "/control/v1/users/USER_ID/inbox");
            // Printed on purpose: the emulator's local, throwaway credentials, needed to point another bot at it.
            out.println("Channel " + channel.channelId() + ": secret " + channel.channelSecret() + ", access token " + channel.accessToken());
            out.println("  another token: curl -s " + base + "/v2/oauth/accessToken -d grant_type=client_credentials -d client_id="
                    + channel.channelId() + " -d client_secret=" + channel.channelSecret());
            out.println();
            out.println("The example member site (LINE Login, ID linking, LIFF) is on " + siteUrl + "/ :");
            out.println("  sign in as member '" + DEMO_MEMBER + "' with password '" + DEMO_PASSWORD + "', then 'Link your LINE account';");
            out.println("  on the emulator's LINE login page, Alice is " + alice + "@emulator.local with password 'password'.");
            out.println("  Or send \"link my account\" as Alice through the control API and open the link the bot answers.");
            out.println("Stop with Ctrl-C.");
        } catch (Exception e) {
            stop.run();
            throw e;
        }
        if (exit) {
            stop.run();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            out.println("linegate demo: stopped");
            out.flush();
            stopped.countDown();
        }, "linegate-demo-shutdown"));
        stopped.await();
        return 0;
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    /** Plays the conversation; returns the user id of Alice. */
    private String transcript(ChannelInfo channel) throws Exception {
        String user = call("POST", "/control/v1/users", "{\"displayName\":\"Alice\"}", null).path("userId").asText();

        say("Alice", "(adds the bot as a friend)");
        call("POST", "/control/v1/users/" + user + "/follow", "{}", null);
        showReplies(user, 1);

        say("Alice", "Hello, linegate!");
        call("POST", "/control/v1/users/" + user + "/messages", "{\"type\":\"text\",\"text\":\"Hello, linegate!\"}", null);
        showReplies(user, 2);

        say("Alice", "[sticker 11537/52002734]");
        call("POST", "/control/v1/users/" + user + "/messages",
                "{\"type\":\"sticker\",\"packageId\":\"11537\",\"stickerId\":\"52002734\"}", null);
        showReplies(user, 3);

        say("LINE", "(an event of a type LINE might add tomorrow: \"hologram\")");
        String future = "{\"type\":\"hologram\",\"hologram\":{\"depth\":3},\"source\":{\"type\":\"user\",\"userId\":\"" + user + "\"}}";
        call("POST", "/control/v1/events", "{\"events\":[" + future + "]}", null);
        JsonNode delivery = awaitDelivery();
        say("bot", "(acknowledged with " + delivery.path("statusCode").asInt() + " and passed to the fallback handler;"
                + " no reply)");
        return user;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private int shown;

    /** Waits until the user's inbox holds {@code total} messages and prints the new ones. */
    private void showReplies(String user, int total) throws Exception {
        JsonNode messages = null;
        Instant deadline = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline)) {
            messages = call("GET", "/control/v1/users/" + user + "/inbox", null, null).path("messages");
            if (messages.size() >= total) {
                break;
            }
            Thread.sleep(50);
        }
        if (messages == null || messages.size() < total) {
            throw new IllegalStateException("the bot did not answer within 15 s");
        }
        for (; shown < messages.size(); shown++) {
            JsonNode m = messages.get(shown).path("message");
            String text = "sticker".equals(m.path("type").asText())
                    ? "[sticker " + m.path("packageId").asText() + "/" + m.path("stickerId").asText() + "]"
                    : m.path("text").asText(m.toString());
            say("bot", text + "   (" + messages.get(shown).path("via").asText() + ")");
        }
    }

    private JsonNode awaitDelivery() throws Exception {
        Instant deadline = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline)) {
            for (JsonNode d : call("GET", "/control/v1/deliveries?limit=1", null, null).path("deliveries")) {
                if (d.path("statusCode").asInt() > 0) {
                    return d;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the webhook was not delivered within 15 s");
    }

    private void say(String who, String what) {
        out.printf("  %-6s> %s%n", who, what);
    }

    private JsonNode call(String method, String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + res.statusCode() + ": " + res.body());
        }
        return res.body().isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
    }
}
