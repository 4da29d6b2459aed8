package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import com.linecorp.bot.webhook.model.Event;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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

/**
 * A channel warms its acknowledgement path through the application's own web server before it takes
 * webhooks, and the warm-up's synthetic webhooks reach neither the channel's store nor its handlers, nor
 * the application's {@code http.server.requests}.
 */
@SpringBootTest(classes = WarmUpStarterTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class WarmUpStarterTest {
    static final String SECRET = "warm-up-test-channel-secret-0123";

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Handlers.class)
    static class App {
    }

    @LineMessageHandler
    static class Handlers {
        final List<Event> seen = new CopyOnWriteArrayList<>();

        @EventMapping
        public void any(Event event) {
            seen.add(event);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws Exception {
        String store = "sqlite:" + Files.createTempDirectory("linegate-warm-up-test");
        r.add("line.bot.channel-secret", () -> SECRET);
        r.add("linegate.store", () -> store);
        r.add("linegate.warm-up", () -> "3s");
        r.add("management.endpoints.web.exposure.include", () -> "health");
        r.add("management.endpoint.health.show-details", () -> "always");
    }

    @Value("${local.server.port}")
    int port;
    @Autowired
    LinegateChannels channels;
    @Autowired
    Handlers handlers;
    @Autowired
    MeterRegistry registry;

    @Test
    void theChannelIsWarmedThroughTheWebServerBeforeItIsReadyAndNothingOfItIsKept() {
        LinegateChannel channel = channels.channel("default");

        assertThat(channel.lastWarmUp()).isNotNull();
        assertThat(channel.lastWarmUp().requests()).as("synthetic webhooks through Tomcat").isPositive();
        assertThat(channel.lastWarmUp().acknowledged()).as("each acknowledged by the scratch store")
                .isEqualTo(channel.lastWarmUp().requests());
        assertThat(channel.ready()).isTrue();
        assertThat(handlers.seen).as("the warm-up's events never reach the handlers").isEmpty();
        assertThat(channel.store().journal().inbox(0, 10)).as("nor the channel's store").isEmpty();

        String health = Webhooks.get("http://127.0.0.1:" + port + "/actuator/health").body();
        assertThat(Webhooks.json(health).path("components").path("linegate").path("status").asText()).isEqualTo("UP");
        byte[] body = Webhooks.text("Uafter", "after the warm-up");
        assertThat(Webhooks.signedPost("http://127.0.0.1:" + port + "/callback", body, SECRET).statusCode()).isEqualTo(200);
        // The application's http.server.requests counts that one webhook, none of the warm-up's.
        await().atMost(Duration.ofSeconds(5)).until(() -> webhookRequestsCounted() >= 1);
        assertThat(webhookRequestsCounted()).isEqualTo(1);
    }

    private long webhookRequestsCounted() {
        return registry.find("http.server.requests").tag("uri", "/callback").timers().stream().mapToLong(Timer::count).sum();
    }
}
