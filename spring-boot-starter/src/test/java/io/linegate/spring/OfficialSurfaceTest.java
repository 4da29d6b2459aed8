package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.linecorp.bot.client.base.channel.ChannelTokenSupplier;
import com.linecorp.bot.insight.client.InsightClient;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.parser.LineSignatureValidator;
import com.linecorp.bot.parser.WebhookParser;
import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.MessageEvent;
import io.linegate.clients.LineApis;
import io.linegate.emulator.Emulator;
import io.linegate.store.ApiRequestLog.ApiCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The official starter's beans and types in an application that moved over by its imports, against
 * the emulator: the parser's beans for a controller of its own, the token, the properties, linegate's
 * generated clients and an official client found on the class path, all sending through linegate.
 */
@SpringBootTest(classes = OfficialSurfaceTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OfficialSurfaceTest {
    static final Emulator EMULATOR = Emulator.builder().port(0).start();
    static final Path DATA = temporaryDirectory();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(OwnController.class)
    static class App {
    }

    /** A webhook controller kept as it was written for the official starter. */
    @RestController
    static class OwnController {
        final List<String> received = new CopyOnWriteArrayList<>();

        @PostMapping("/own-callback")
        public String callback(@LineBotMessages List<Event> events, @LineBotDestination String destination) {
            events.forEach(e -> received.add(((MessageEvent) e).webhookEventId() + "@" + destination));
            return "OK";
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("line.bot.channel-secret", () -> EMULATOR.defaultChannel().channelSecret());
        r.add("line.bot.channel-token", () -> EMULATOR.defaultChannel().accessToken());
        r.add("line.bot.api-end-point", EMULATOR::baseUrl);
        r.add("linegate.store", () -> "sqlite:" + DATA);
        r.add("linegate.warm-up", () -> "0s");
    }

    @Value("${local.server.port}")
    int port;
    @Autowired
    LineSignatureValidator validator;
    @Autowired
    WebhookParser parser;
    @Autowired
    ChannelTokenSupplier tokens;
    @Autowired
    LineBotProperties properties;
    @Autowired
    MessagingApiClient messaging;
    @Autowired
    MessagingApiBlobClient blob;
    @Autowired
    LineApis apis;
    @Autowired
    LinegateApis channelApis;
    @Autowired
    InsightClient officialInsight;
    @Autowired
    LinegateChannels channels;
    @Autowired
    OwnController controller;

    @AfterAll
    static void stopEmulator() {
        EMULATOR.close();
    }

    @Test
    void everyOfficialBeanOfAServedArtifactIsInjectableAndReadsLineBotProperties() throws Exception {
        byte[] body = "{\"destination\":\"U0\",\"events\":[]}".getBytes(StandardCharsets.UTF_8);
        String signature = Base64.getEncoder().encodeToString(validator.generateSignature(body));
        assertThat(validator.validateSignature(body, signature)).isTrue();
        assertThat(parser.handle(signature, body).destination()).isEqualTo("U0");
        assertThatThrownBy(() -> parser.handle("AAAA", body)).hasMessageContaining("Invalid API signature");
        assertThat(tokens.get()).isEqualTo(EMULATOR.defaultChannel().accessToken());
        assertThat(properties.channelSecret()).isEqualTo(EMULATOR.defaultChannel().channelSecret());
        assertThat(properties.channelTokenSupplyMode()).isEqualTo(LineBotProperties.ChannelTokenSupplyMode.FIXED);
        assertThat(properties.blobEndPoint()).isEqualTo(properties.apiEndPoint());
        assertThat(messaging.getBotInfo().get().body().userId()).isNotEmpty();
        assertThat(blob).isNotNull();
    }

    @Test
    void aControllerOfItsOwnGetsTheVerifiedEventsAndRefusesAForgedOne() {
        String url = "http://127.0.0.1:" + port + "/own-callback";
        byte[] body = Webhooks.text("Uown", "hello", "01OWNCONTROLLER0000000000A");
        HttpResponse<String> ok = Webhooks.signedPost(url, body, EMULATOR.defaultChannel().channelSecret());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(controller.received).anySatisfy(r -> assertThat(r).startsWith("01OWNCONTROLLER0000000000A@"));

        HttpResponse<String> forged = Webhooks.signedPost(url, body, "not-the-channel-secret-0123456789");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(Webhooks.json(forged.body()).path("message").asText()).startsWith("Invalid signature");
        assertThat(Webhooks.json(forged.body()).path("details").isArray()).isTrue();
        byte[] notJson = "not a webhook".getBytes(StandardCharsets.UTF_8);
        assertThat(Webhooks.signedPost(url, notJson, EMULATOR.defaultChannel().channelSecret()).statusCode()).isEqualTo(400);
    }

    @Test
    void theGeneratedAndTheOfficialClientsSendThroughTheChannelsStack() throws Exception {
        assertThat(LineApis.call(apis.insight().getNumberOfFollowers("20250101")).getStatus()).isNotNull();
        assertThat(channelApis.current()).isSameAs(channelApis.channel(ChannelSettings.DEFAULT));
        assertThat(officialInsight.getNumberOfFollowers("20250102").get().body()).containsKey("status");

        // Both calls are in the channel's API request log: they went through linegate's interceptors.
        await().atMost(Duration.ofSeconds(5)).until(() -> followersCalls().size() >= 2);
        assertThat(followersCalls()).allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
    }

    @Test
    void theSupplierModeIsRefusedWithAGivenTokenOrWithoutASupplierBeanOrLinegatesManagedToken() {
        LineBotProperties line = new LineBotProperties();
        line.setChannelTokenSupplyMode(LineBotProperties.ChannelTokenSupplyMode.SUPPLIER);
        line.setChannelToken("given");
        LinegateProperties linegate = new LinegateProperties();
        assertThatThrownBy(() -> LinegateOfficialSurfaceAutoConfiguration.check(line, linegate, true))
                .hasMessageContaining("line.bot.channel-token must be unset");
        line.setChannelToken(null);
        assertThatThrownBy(() -> LinegateOfficialSurfaceAutoConfiguration.check(line, linegate, false))
                .hasMessageContaining("define a ChannelTokenSupplier bean, or set linegate.token-type");
        LinegateOfficialSurfaceAutoConfiguration.check(line, linegate, true); // the application's supplier: accepted
    }

    private List<ApiCall> followersCalls() {
        return channels.channel(ChannelSettings.DEFAULT).store().apiRequests().query(Instant.EPOCH, 0, 999, null, 50).stream()
                .filter(c -> c.endpoint().equals("/v2/bot/insight/followers")).toList();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("linegate-official");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
