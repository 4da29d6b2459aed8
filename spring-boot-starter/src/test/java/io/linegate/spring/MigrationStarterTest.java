package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.EmulatorConfig;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.context.annotation.RequestScope;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * A bot moved over from the official starter keeps working where it reads "the current request", uses
 * the injected client with two channels, and relies on the application's web stack: handlers run after
 * the {@code 200}, with the webhook's request as Spring's current request.
 */
@SpringBootTest(classes = MigrationStarterTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MigrationStarterTest {
    static final Emulator EMULATOR = Emulator.builder().config(twoChannels()).port(0).start();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(SharedHandlers.class)
    static class App {
        /** The application's filter: an MDC entry per request, as logging filters do. */
        @Bean
        OncePerRequestFilter tenantFilter() {
            return new OncePerRequestFilter() {
                @Override
                protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                        throws ServletException, IOException {
                    String tenant = req.getHeader("X-Tenant");
                    if (tenant != null) {
                        MDC.put("tenant", tenant);
                    }
                    try {
                        chain.doFilter(req, res);
                    } finally {
                        MDC.remove("tenant");
                    }
                }
            };
        }

        @Bean
        CountingInterceptor countingInterceptor() {
            return new CountingInterceptor();
        }

        /** The application's interceptors, registered the Spring MVC way. */
        @Bean
        WebMvcConfigurer interceptors(CountingInterceptor counting) {
            return new WebMvcConfigurer() {
                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    registry.addInterceptor(counting);
                }
            };
        }

        @Bean
        @RequestScope
        RequestLabel requestLabel() {
            return new RequestLabel();
        }
    }

    static class CountingInterceptor implements HandlerInterceptor {
        final Map<String, AtomicInteger> byPath = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> byMark = new ConcurrentHashMap<>(); // the test's X-Mark header

        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
            byPath.computeIfAbsent(request.getRequestURI(), k -> new AtomicInteger()).incrementAndGet();
            String mark = request.getHeader("X-Mark");
            if (mark != null) {
                byMark.computeIfAbsent(mark, k -> new AtomicInteger()).incrementAndGet();
            }
            return true;
        }
    }

    /** A request-scoped bean: one per request, so one per handled event. */
    static class RequestLabel {
        final String id = UUID.randomUUID().toString();

        String id() {
            return id;
        }
    }

    /** Written as for the official starter: no channels=, the injected client, the current request. */
    @LineMessageHandler
    static class SharedHandlers {
        final MessagingApiClient api;
        final RequestLabel label;
        final Map<String, String> seen = new ConcurrentHashMap<>();

        final ObservationRegistry observations;

        SharedHandlers(MessagingApiClient api, RequestLabel label, ObservationRegistry observations) {
            this.api = api;
            this.label = label;
            this.observations = observations;
        }

        @EventMapping
        public Message text(TextMessageContent content, MessageEvent event) throws Exception {
            switch (content.text()) {
                case "url" -> {
                    // What kitchensink does for images, audio and imagemaps.
                    return new TextMessage(ServletUriComponentsBuilder.fromCurrentContextPath().path("/static/cat.jpg")
                            .toUriString());
                }
                case "whoami" -> {
                    api.replyMessage(new ReplyMessageRequest.Builder(event.replyToken(),
                            List.of(new TextMessage("replied through the injected client"))).build()).get();
                    return null;
                }
                case "inspect" -> {
                    ServletRequestAttributes attributes = (ServletRequestAttributes) RequestContextHolder.currentRequestAttributes();
                    HttpServletRequest request = attributes.getRequest();
                    seen.put("url", ServletUriComponentsBuilder.fromCurrentRequest().toUriString());
                    seen.put("signature", String.valueOf(request.getHeader(WebhookSignature.HEADER)));
                    seen.put("tenant", String.valueOf(MDC.get("tenant")));
                    seen.put("custom", String.valueOf(request.getHeader("X-Custom")));
                    seen.put("requestId", String.valueOf(request.getRequestId()));
                    seen.put("label", label.id());
                    Observation current = observations.getCurrentObservation();
                    seen.put("observation", current == null ? "none" : current.getContext().getName());
                    try {
                        request.getSession();
                    } catch (IllegalStateException e) {
                        seen.put("session", e.getMessage());
                    }
                    try {
                        attributes.getResponse().getWriter();
                    } catch (IllegalStateException e) {
                        seen.put("response", e.getMessage());
                    }
                    seen.put("done", event.webhookEventId());
                    return null;
                }
                default -> {
                    return null;
                }
            }
        }
    }

    static EmulatorConfig twoChannels() {
        EmulatorConfig config = new EmulatorConfig();
        config.channels.add(new EmulatorConfig.ChannelConfig());
        config.channels.add(new EmulatorConfig.ChannelConfig());
        return config;
    }

    static ChannelInfo first() {
        return EMULATOR.channels().get(0);
    }

    static ChannelInfo second() {
        return EMULATOR.channels().get(1);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws IOException {
        String store = "sqlite:" + Files.createTempDirectory("linegate-migration");
        r.add("line.bot.channel-secret", () -> first().channelSecret());
        r.add("line.bot.channel-token", () -> first().accessToken());
        r.add("line.bot.api-end-point", EMULATOR::baseUrl);
        r.add("linegate.store", () -> store);
        r.add("linegate.warm-up", () -> "0s");
        r.add("linegate.channels.second.path", () -> "/callback/second");
        r.add("linegate.channels.second.channel-secret", () -> second().channelSecret());
        r.add("linegate.channels.second.channel-token", () -> second().accessToken());
        r.add("linegate.request-capture.mdc-keys", () -> "tenant");
        r.add("server.forward-headers-strategy", () -> "framework");
    }

    @Value("${local.server.port}")
    int port;
    @Autowired
    SharedHandlers handlers;
    @Autowired
    CountingInterceptor interceptor;

    @AfterAll
    static void stopEmulator() {
        EMULATOR.close();
    }

    @Test
    void aHandlerBuildingAUrlFromTheCurrentRequestRepliesWithTheOriginalRequestsHost() {
        // The emulator's own delivery goes nowhere; the test delivers the event as a proxy in front of the
        // application would, with the event's real reply token.
        settings(first(), url("/nowhere"));
        String user = friend(first(), "Url Test");
        JsonNode sent = Webhooks.control(EMULATOR.baseUrl(), "POST", "/users/" + user + "/messages?channelId=" + first().channelId(),
                Webhooks.JSON.createObjectNode().put("type", "text").put("text", "url"));
        byte[] body = event(first(), user, "url", sent.path("webhookEventId").asText(), sent.path("replyToken").asText());

        HttpResponse<String> res = post("/callback", body, first(), Map.of("X-Forwarded-Host", "bot.example.com",
                "X-Forwarded-Proto", "https", "X-Forwarded-Port", "443"));

        assertThat(res.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(first(), user).size() == 1);
        JsonNode reply = inbox(first(), user).get(0);
        assertThat(reply.path("via").asText()).isEqualTo("reply");
        assertThat(reply.path("message").path("text").asText()).isEqualTo("https://bot.example.com/static/cat.jpg");
    }

    @Test
    void theHandlerSeesTheRequestsHeadersMdcAndRequestScopeButNotItsCredentialsSessionOrResponse() {
        String id = ulid();
        byte[] body = event(first(), "Uinspect000000000000000000000000", "inspect", id, "0000000000000000inspect");

        HttpResponse<String> res = post("/callback?tenant=acme", body, first(), Map.of("X-Tenant", "acme",
                "X-Custom", "kept", "Authorization", "Bearer something-secret", "X-Forwarded-Host", "bot.example.com",
                "X-Mark", id));

        assertThat(res.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> id.equals(handlers.seen.get("done")));
        assertThat(handlers.seen.get("url")).isEqualTo("http://bot.example.com/callback?tenant=acme");
        assertThat(handlers.seen.get("tenant")).as("the MDC entry the application's filter set").isEqualTo("acme");
        assertThat(handlers.seen.get("custom")).isEqualTo("kept");
        assertThat(handlers.seen.get("signature")).as("the signature is not kept").isEqualTo("null");
        assertThat(handlers.seen.get("requestId")).isNotBlank().isNotEqualTo("null");
        assertThat(handlers.seen.get("label")).as("a request-scoped bean").isNotBlank();
        assertThat(handlers.seen.get("observation")).as("the request's observation, with its trace")
                .isEqualTo("http.server.requests");
        assertThat(handlers.seen.get("session")).contains("after the webhook was answered 200").contains("EventContext.state()");
        assertThat(handlers.seen.get("response")).contains("after the webhook was answered 200").contains("MessagingApiClient");
        assertThat(interceptor.byPath.get("/callback")).as("the application's interceptors run on the webhook path")
                .isNotNull();
        assertThat(interceptor.byMark.get(id)).as("once per webhook: no second dispatch to answer it").hasValue(1);
    }

    @Test
    void withTwoChannelsAHandlerWithoutChannelsRepliesThroughTheInjectedClientOnTheEventsChannel() {
        settings(second(), url("/callback/second"));
        String user = friend(second(), "Second Channel");

        Webhooks.control(EMULATOR.baseUrl(), "POST", "/users/" + user + "/messages?channelId=" + second().channelId(),
                Webhooks.JSON.createObjectNode().put("type", "text").put("text", "whoami"));

        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(second(), user).size() == 1);
        JsonNode reply = inbox(second(), user).get(0);
        assertThat(reply.path("via").asText()).isEqualTo("reply");
        assertThat(reply.path("message").path("text").asText()).isEqualTo("replied through the injected client");
    }

    private static void settings(ChannelInfo channel, String webhookUrl) {
        Webhooks.control(EMULATOR.baseUrl(), "PUT", "/channels/" + channel.channelId() + "/settings",
                Webhooks.JSON.createObjectNode().put("webhookUrl", webhookUrl).put("webhookActive", true)
                        .put("greeting", false).put("autoReply", false));
    }

    private static String friend(ChannelInfo channel, String name) {
        String user = Webhooks.control(EMULATOR.baseUrl(), "POST", "/users",
                Webhooks.JSON.createObjectNode().put("displayName", name)).path("userId").asText();
        Webhooks.control(EMULATOR.baseUrl(), "POST", "/users/" + user + "/follow?channelId=" + channel.channelId(), null);
        return user;
    }

    private static List<JsonNode> inbox(ChannelInfo channel, String user) {
        List<JsonNode> out = new ArrayList<>();
        Webhooks.control(EMULATOR.baseUrl(), "GET", "/users/" + user + "/inbox?channelId=" + channel.channelId(), null)
                .path("messages").forEach(out::add);
        return out;
    }

    private static byte[] event(ChannelInfo channel, String user, String text, String eventId, String replyToken) {
        ObjectNode body = Webhooks.JSON.createObjectNode().put("destination", channel.botUserId());
        ObjectNode e = body.putArray("events").addObject();
        e.put("type", "message").put("mode", "active").put("timestamp", System.currentTimeMillis())
                .put("webhookEventId", eventId).put("replyToken", replyToken);
        e.putObject("source").put("type", "user").put("userId", user);
        e.putObject("deliveryContext").put("isRedelivery", false);
        e.putObject("message").put("id", String.valueOf(System.nanoTime())).put("type", "text").put("quoteToken", "q")
                .put("text", text);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> post(String path, byte[] body, ChannelInfo channel, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header(WebhookSignature.HEADER, WebhookSignature.sign(Secret.of(channel.channelSecret(), "secret"), body));
        headers.forEach(b::header);
        return Webhooks.send(b.build());
    }

    private static String ulid() {
        return "01" + UUID.randomUUID().toString().replace("-", "").toUpperCase().substring(0, 24);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }
}
