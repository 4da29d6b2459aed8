package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import com.linecorp.bot.webhook.model.UserSource;
import io.linegate.emulator.Emulator;
import io.linegate.webhook.EventContext;
import io.linegate.webhook.Middleware;
import io.linegate.webhook.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a Spring Boot application on a random port, against the emulator: the official
 * starter's programming model with linegate's guarantees behind it. Runs on Spring Boot 3.5 here and on
 * 4.0 in {@code boot4/}.
 */
@SpringBootTest(classes = StarterTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StarterTest {
    static final String SHOP_SECRET = "shop-channel-secret-0123456789ab";
    static final Emulator EMULATOR = Emulator.builder().port(0).start();
    static final Path DATA = temporaryDirectory();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({DefaultHandlers.class, ShopHandlers.class})
    static class App {
        /** The application's own link of the middleware chain: users on the block list never reach a handler. */
        @Bean
        Middleware blockList() {
            return (ctx, chain) -> ctx.sourceKey().equals("user:Ublocked")
                    ? Outcome.completed("blocked") : chain.proceed(ctx);
        }
    }

    /** The default channel's handlers, written as for the official starter. */
    @LineMessageHandler(channels = "default")
    static class DefaultHandlers {
        final MessagingApiClient api;
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final List<String> order = new CopyOnWriteArrayList<>();
        final List<String> handled = new CopyOnWriteArrayList<>();
        volatile boolean slowFinished;

        DefaultHandlers(MessagingApiClient api) {
            this.api = api;
        }

        @EventMapping
        public Message text(TextMessageContent content, MessageEvent event) throws Exception {
            String text = content.text();
            handled.add(event.webhookEventId());
            int attempt = attempts.computeIfAbsent(event.webhookEventId(), k -> new AtomicInteger()).incrementAndGet();
            if (text.equals("slow")) {
                Thread.sleep(3_000);
                slowFinished = true;
            } else if (text.equals("fail")) {
                throw new IllegalStateException("this handler always fails");
            } else if (text.startsWith("order:")) {
                order.add(text.substring("order:".length()));
            } else if (text.startsWith("echo ")) {
                return new TextMessage(text.substring("echo ".length()));
            } else if (text.equals("push then fail twice")) {
                String user = ((UserSource) event.source()).userId();
                api.pushMessage(null, new PushMessageRequest(user, List.of(new TextMessage("pushed once")), false, null)).get();
                if (attempt < 3) {
                    throw new IllegalStateException("failing after the push, attempt " + attempt);
                }
            }
            return null;
        }

        @EventMapping
        public void anyOther(Event event) {
            handled.add("other");
        }
    }

    /** The second channel's handler: only its own events. */
    @LineMessageHandler(channels = "shop")
    static class ShopHandlers {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @EventMapping
        public void any(Event event, @LineBotDestination String destination, EventContext ctx) {
            seen.add(ctx.eventId() + "@" + destination);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("line.bot.channel-secret", () -> EMULATOR.defaultChannel().channelSecret());
        r.add("line.bot.api-end-point", EMULATOR::baseUrl);
        r.add("linegate.token-type", () -> "stateless");
        r.add("linegate.channel-id", () -> EMULATOR.defaultChannel().channelId());
        r.add("linegate.store", () -> "sqlite:" + DATA);
        r.add("linegate.max-attempts", () -> "3");
        r.add("linegate.warm-up", () -> "0s"); // WarmUpStarterTest warms up
        r.add("linegate.backoff", () -> "50ms");
        r.add("linegate.max-backoff", () -> "100ms");
        r.add("linegate.channels.shop.path", () -> "/callback/shop");
        r.add("linegate.channels.shop.channel-secret", () -> SHOP_SECRET);
        r.add("management.endpoints.web.exposure.include", () -> "health,metrics,linegate");
        r.add("management.endpoint.health.show-details", () -> "always");
    }

    @Value("${local.server.port}")
    int port;
    @Autowired
    DefaultHandlers handlers;
    @Autowired
    ShopHandlers shop;
    @Autowired
    LinegateChannels channels;

    @AfterAll
    static void stopEmulator() {
        EMULATOR.close();
    }

    @BeforeEach
    void pointTheEmulatorHere() {
        Webhooks.control(EMULATOR.baseUrl(), "PUT", "/channels/" + EMULATOR.defaultChannel().channelId() + "/settings",
                Webhooks.JSON.createObjectNode().put("webhookUrl", url("/callback")).put("webhookActive", true)
                        .put("greeting", false).put("autoReply", false));
    }

    @Test
    void aSignedWebhookIsAcknowledgedBeforeASlowHandlerFinishes() {
        HttpResponse<String> res = Webhooks.signedPost(url("/callback"), Webhooks.text("Uslow", "slow"), secret());

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(handlers.slowFinished).as("the handler still runs when the 200 is sent").isFalse();
        await().atMost(Duration.ofSeconds(20)).until(() -> handlers.slowFinished);
    }

    @Test
    void eventsOfOneUserArriveInOrder() {
        for (int i = 0; i < 20; i++) {
            assertThat(Webhooks.signedPost(url("/callback"), Webhooks.text("Uorder", "order:" + i), secret()).statusCode())
                    .isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> handlers.order.size() == 20);
        assertThat(handlers.order).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
                "13", "14", "15", "16", "17", "18", "19");
    }

    @Test
    void aHandlerThatThrowsIsRetriedAndThenDeadLettered() {
        String id = "01FAILFAILFAILFAILFAILFAIL";
        assertThat(Webhooks.signedPost(url("/callback"), Webhooks.text("Ufail", "fail", id), secret()).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> channels.channel("default").store().deadLetters().list(100)
                .stream().anyMatch(d -> d.eventId().equals(id)));
        assertThat(handlers.attempts.get(id)).hasValue(3);
        JsonNode letters = Webhooks.json(Webhooks.get(url("/actuator/linegate/default/dead-letters")).body());
        assertThat(letters.findValuesAsText("eventId")).contains(id);
    }

    @Test
    void aDuplicateWebhookEventIdIsHandledOnce() {
        String id = "01DUPLICATEDUPLICATEDUPLIC";
        byte[] body = Webhooks.text("Udup", "once", id);
        assertThat(Webhooks.signedPost(url("/callback"), body, secret()).statusCode()).isEqualTo(200);
        assertThat(Webhooks.signedPost(url("/callback"), body, secret()).statusCode()).isEqualTo(200);
        // A later event of the same user is handled after the duplicate would have been.
        String after = "01AFTERAFTERAFTERAFTERAFTE";
        assertThat(Webhooks.signedPost(url("/callback"), Webhooks.text("Udup", "after", after), secret()).statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> handlers.handled.contains(after));
        assertThat(handlers.handled.stream().filter(id::equals)).hasSize(1);
    }

    @Test
    void theApplicationsMiddlewareBeansRunBeforeTheHandlers() {
        String blocked = "01BLOCKEDBLOCKEDBLOCKEDBLO";
        String other = "01NOTBLOCKEDNOTBLOCKEDNOTB";
        assertThat(Webhooks.signedPost(url("/callback"), Webhooks.text("Ublocked", "order:never", blocked), secret())
                .statusCode()).isEqualTo(200);
        assertThat(Webhooks.signedPost(url("/callback"), Webhooks.text("Uallowed", "hello", other), secret())
                .statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> handlers.handled.contains(other)
                && channels.channel("default").dispatcher().backlog() == 0);
        assertThat(handlers.handled).doesNotContain(blocked);
        assertThat(channels.channel("default").store().deadLetters().list(100)).noneMatch(d -> d.eventId().equals(blocked));
    }

    @Test
    void aReturnedMessageIsTheReply() {
        String user = friend("Reply Test");
        Webhooks.control(EMULATOR.baseUrl(), "POST", "/users/" + user + "/messages",
                Webhooks.JSON.createObjectNode().put("type", "text").put("text", "echo hello from Spring"));

        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(user).size() == 1);
        JsonNode m = inbox(user).get(0);
        assertThat(m.path("via").asText()).isEqualTo("reply");
        assertThat(m.path("message").path("text").asText()).isEqualTo("hello from Spring");
    }

    @Test
    void aPushThroughTheMessagingApiClientBeanIsSentOnceWhenTheHandlerIsRetried() {
        String user = friend("Push Test");
        Webhooks.control(EMULATOR.baseUrl(), "POST", "/users/" + user + "/messages",
                Webhooks.JSON.createObjectNode().put("type", "text").put("text", "push then fail twice"));

        await().atMost(Duration.ofSeconds(20)).until(() -> handlers.attempts.values().stream().anyMatch(a -> a.get() == 3)
                && channels.channel("default").dispatcher().backlog() == 0);
        List<JsonNode> received = inbox(user);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).path("message").path("text").asText()).isEqualTo("pushed once");
    }

    @Test
    void twoChannelsVerifyWithTheirOwnSecretsAndReachTheirOwnHandlers() {
        String id = "01SHOPSHOPSHOPSHOPSHOPSHOP";
        byte[] body = Webhooks.text("Ushop", "to the shop", id);

        assertThat(Webhooks.signedPost(url("/callback/shop"), body, secret()).statusCode())
                .as("the default channel's secret does not open the shop's path").isEqualTo(401);
        assertThat(Webhooks.signedPost(url("/callback"), body, SHOP_SECRET).statusCode())
                .as("nor the shop's the default's").isEqualTo(401);
        assertThat(Webhooks.signedPost(url("/callback/shop"), body, SHOP_SECRET).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> shop.seen.contains(id + "@Ubot0000000000000000000000000000"));
        assertThat(handlers.handled).doesNotContain(id);
    }

    @Test
    void badOrMissingSignaturesAreRefusedWith401InLinesErrorShape() {
        byte[] body = Webhooks.text("Ubad", "hi");
        HttpResponse<String> missing = Webhooks.post(url("/callback"), body, null);
        HttpResponse<String> wrong = Webhooks.signedPost(url("/callback"), body, "not-the-channel-secret-0123456789");
        HttpResponse<String> malformed = Webhooks.post(url("/callback"), body, "%%%");

        assertThat(List.of(missing.statusCode(), wrong.statusCode(), malformed.statusCode())).containsOnly(401);
        assertThat(Webhooks.json(missing.body()).path("message").asText()).isEqualTo("Missing x-line-signature header");
        assertThat(Webhooks.json(wrong.body()).path("message").asText()).isEqualTo("Invalid signature");
        assertThat(Webhooks.get(url("/callback")).statusCode()).isEqualTo(405);
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413BeforeItIsRead() {
        byte[] big = new byte[1024 * 1024 + 1];
        Arrays.fill(big, (byte) ' ');
        HttpResponse<String> res = Webhooks.signedPost(url("/callback"), big, secret());

        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(Webhooks.json(res.body()).path("message").asText()).isEqualTo(io.linegate.runtime.WebhookAnswer.TOO_LARGE.message());
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aClientThatGoesAwayMidBodyIsAClientAbortInOneLineWithoutAStackTrace(CapturedOutput output) throws Exception {
        double abortsBefore = requests("499");
        double errorsBefore = requests("500") + requests("400");
        int before = output.length();
        for (int i = 0; i < 5; i++) {
            // Headers and part of the declared body, then the connection closes.
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /callback HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                        + "x-line-signature: AAAA\r\nContent-Length: 1000\r\n\r\n{\"destination\":\"U0\",\"events\":[")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(100); // the request is being read when the client leaves
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("499") == abortsBefore + 5);
        assertThat(requests("500") + requests("400")).as("no 500 or 400 for them").isEqualTo(errorsBefore);
        String logged = output.toString().substring(before);
        assertThat(logged).contains("the client went away before its answer").doesNotContain("\tat ")
                .doesNotContain("ERROR").doesNotContain("Exception:");
    }

    /** How many webhook requests the default channel answered (or recorded) with {@code status}. */
    double requests(String status) {
        JsonNode m = Webhooks.json(Webhooks.get(url("/actuator/metrics/linegate.webhook.requests?tag=status:" + status)
                + "&tag=channel:default").body());
        return m.path("measurements").path(0).path("value").asDouble(0);
    }

    @Test
    void healthMetricsAndTheOperatorSwitchesAreActuatorEndpoints() {
        JsonNode health = Webhooks.json(Webhooks.get(url("/actuator/health")).body());
        JsonNode linegate = health.path("components").path("linegate");
        assertThat(linegate.path("status").asText()).isEqualTo("UP");
        assertThat(linegate.path("details").path("default").path("ready").asBoolean()).isTrue();
        assertThat(linegate.path("details").path("shop").path("path").asText()).isEqualTo("/callback/shop");

        JsonNode metrics = Webhooks.json(Webhooks.get(url("/actuator/metrics")).body());
        assertThat(metrics.path("names").toString()).contains("linegate.events.received", "linegate.queue.depth",
                "linegate.webhook.requests", "linegate.ack.latency");
        JsonNode shopQueue = Webhooks.json(Webhooks.get(url("/actuator/metrics/linegate.queue.depth?tag=channel:shop")).body());
        assertThat(shopQueue.path("name").asText()).isEqualTo("linegate.queue.depth");

        HttpResponse<String> mute = Webhooks.send(HttpRequest.newBuilder(
                URI.create(url("/actuator/linegate/shop/mute/user:U0000000000000000000000000000beef"))).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(mute.statusCode()).isEqualTo(200);
        assertThat(Webhooks.json(mute.body()).path("muted").toString()).contains("user:U0000000000000000000000000000beef");
        HttpResponse<String> unknown = Webhooks.get(url("/actuator/linegate/nosuchchannel"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        HttpResponse<String> badSource = Webhooks.send(HttpRequest.newBuilder(
                URI.create(url("/actuator/linegate/shop/mute/nobody"))).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(badSource.statusCode()).isEqualTo(400);
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void secretsAppearNeitherInTheLogsNorInTheActuatorNorInToString(CapturedOutput output) {
        String id = "01SECRETSSECRETSSECRETSSEC";
        Webhooks.signedPost(url("/callback"), Webhooks.text("Usecret", "hi", id), "a-wrong-secret-0123456789abcdef");
        assertThat(Webhooks.signedPost(url("/callback"), Webhooks.text("Usecret", "fail", id), secret()).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> channels.channel("default").store().deadLetters().list(100)
                .stream().anyMatch(d -> d.eventId().equals(id)));

        String everything = Webhooks.get(url("/actuator/linegate")).body() + Webhooks.get(url("/actuator/health")).body()
                + channels.all() + channels.channel("default").api() + channels.channel("shop").runtime().config();
        assertThat(everything).contains("/callback/shop").doesNotContain(secret()).doesNotContain(SHOP_SECRET);
        assertThat(output.getAll()).contains("linegate.access").contains("this handler always fails")
                .doesNotContain(secret()).doesNotContain(SHOP_SECRET);
    }

    private String friend(String name) {
        String user = Webhooks.control(EMULATOR.baseUrl(), "POST", "/users",
                Webhooks.JSON.createObjectNode().put("displayName", name)).path("userId").asText();
        Webhooks.control(EMULATOR.baseUrl(), "POST", "/users/" + user + "/follow", null);
        return user;
    }

    private static List<JsonNode> inbox(String user) {
        List<JsonNode> out = new ArrayList<>();
        Webhooks.control(EMULATOR.baseUrl(), "GET", "/users/" + user + "/inbox", null).path("messages").forEach(out::add);
        return out;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static String secret() {
        return EMULATOR.defaultChannel().channelSecret();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("linegate-spring");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
