package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.emulator.Emulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * The starter's configuration in Spring's terms: mistakes as Boot's failure report, an unresolved
 * placeholder failing the start, and {@code line.bot.handler.enabled=false} keeping the clients.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ExtendWith(OutputCaptureExtension.class)
class StarterConfigurationTest {
    static final Emulator EMULATOR = Emulator.builder().port(0).start();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @AfterAll
    static void stopEmulator() {
        EMULATOR.close();
    }

    private static ConfigurableApplicationContext start(WebApplicationType web, String... properties) throws Exception {
        Path store = Files.createTempDirectory("linegate-configuration");
        return new SpringApplicationBuilder(App.class).web(web)
                .properties("linegate.store=sqlite:" + store, "linegate.warm-up=0s", "server.port=0")
                .properties(properties).run();
    }

    @Test
    void aMistakeIsBootsFailureReportNamingThePropertyAndTheFix(CapturedOutput output) {
        assertThatThrownBy(() -> start(WebApplicationType.NONE, "line.bot.channel-secret=0123456789abcdef0123456789abcdef",
                "linegate.token-type=forever")).isInstanceOf(Exception.class);

        String report = output.getAll();
        assertThat(report).contains("APPLICATION FAILED TO START")
                .contains("linegate.token-type must be fixed, long-lived, short-lived or stateless, was forever")
                .contains("Property: linegate.token-type")
                .contains("Action:").contains("Set linegate.token-type as the description says")
                .contains("LINEGATE_TOKENTYPE");
        assertThat(report).as("the report, not a bean-creation stack trace").doesNotContain("\tat ")
                .doesNotContain("0123456789abcdef0123456789abcdef");
    }

    @Test
    void anUnresolvedPlaceholderForTheSecretFailsTheStartAtOnce(CapturedOutput output) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> start(WebApplicationType.SERVLET,
                "line.bot.channel-secret=${LINEGATE_TEST_UNSET_CHANNEL_SECRET}")).isInstanceOf(Exception.class));

        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("line.bot.channel-secret is the unresolved placeholder ${LINEGATE_TEST_UNSET_CHANNEL_SECRET}")
                .contains("set the environment variable (or property) LINEGATE_TEST_UNSET_CHANNEL_SECRET");
    }

    @Test
    void withHandlingOffTheClientsStayAndSendButNoWebhookPathIsMounted() throws Exception {
        String user = Webhooks.control(EMULATOR.baseUrl(), "POST", "/users",
                Webhooks.JSON.createObjectNode().put("displayName", "Push Only")).path("userId").asText();
        Webhooks.control(EMULATOR.baseUrl(), "POST", "/users/" + user + "/follow", null);

        try (ConfigurableApplicationContext app = start(WebApplicationType.SERVLET, "line.bot.handler.enabled=false",
                "line.bot.channel-token=" + EMULATOR.defaultChannel().accessToken(),
                "line.bot.api-end-point=" + EMULATOR.baseUrl())) {
            assertThat(app.getBeansOfType(SimpleUrlHandlerMapping.class)).doesNotContainKey("linegateWebhookPaths");
            MessagingApiClient api = app.getBean(MessagingApiClient.class);
            api.pushMessage(null, new PushMessageRequest.Builder(user, List.of(new TextMessage("from a batch job"))).build()).get();
        }

        assertThat(Webhooks.control(EMULATOR.baseUrl(), "GET", "/users/" + user + "/inbox", null).path("messages")
                .path(0).path("message").path("text").asText()).isEqualTo("from a batch job");
    }
}
