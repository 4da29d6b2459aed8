package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.linecorp.bot.client.base.channel.ChannelTokenSupplier;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.emulator.Emulator;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * The starter's configuration in Spring's terms: mistakes as Boot's failure report, an unresolved
 * placeholder failing the start, {@code line.bot.handler.enabled=false} keeping the clients, and the
 * application's own {@link ChannelTokenSupplier} giving the channel's token.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ExtendWith(OutputCaptureExtension.class)
class StarterConfigurationTest {
    static final Emulator EMULATOR = Emulator.builder().port(0).start();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    /** An application that obtains the channel's token itself, as the official starter lets it. */
    @Configuration(proxyBeanMethods = false)
    static class OwnTokens {
        static final AtomicInteger ASKED = new AtomicInteger();
        static volatile String token;

        @Bean
        ChannelTokenSupplier ownTokens() {
            return () -> {
                ASKED.incrementAndGet();
                return token;
            };
        }
    }

    @AfterAll
    static void stopEmulator() {
        EMULATOR.close();
    }

    private static ConfigurableApplicationContext start(WebApplicationType web, String... properties) throws Exception {
        return start(new Class<?>[] {App.class}, web, properties);
    }

    private static ConfigurableApplicationContext start(Class<?>[] sources, WebApplicationType web, String... properties)
            throws Exception {
        Path store = Files.createTempDirectory("linegate-configuration");
        return new SpringApplicationBuilder(sources).web(web)
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

    @Test
    void theApplicationsOwnTokenSupplierGivesTheTokenTheChannelSendsWith() throws Exception {
        String user = Webhooks.control(EMULATOR.baseUrl(), "POST", "/users",
                Webhooks.JSON.createObjectNode().put("displayName", "Own Token")).path("userId").asText();
        Webhooks.control(EMULATOR.baseUrl(), "POST", "/users/" + user + "/follow", null);
        OwnTokens.token = statelessToken(); // issued by the emulator to the test, as an application would obtain one

        try (ConfigurableApplicationContext app = start(new Class<?>[] {App.class, OwnTokens.class}, WebApplicationType.SERVLET,
                "line.bot.channel-secret=" + EMULATOR.defaultChannel().channelSecret(),
                "line.bot.channel-token-supply-mode=SUPPLIER", "line.bot.api-end-point=" + EMULATOR.baseUrl())) {
            assertThat(app.getBeansOfType(ChannelTokenSupplier.class)).as("the application's, not linegate's")
                    .containsOnlyKeys("ownTokens");
            MessagingApiClient api = app.getBean(MessagingApiClient.class);
            int before = OwnTokens.ASKED.get();
            api.pushMessage(null, new PushMessageRequest.Builder(user, List.of(new TextMessage("with our token"))).build()).get();
            assertThat(OwnTokens.ASKED.get()).as("asked at the request").isGreaterThan(before);

            OwnTokens.token = "a-token-the-emulator-never-issued";
            assertThatThrownBy(() -> api.pushMessage(null,
                    new PushMessageRequest.Builder(user, List.of(new TextMessage("refused"))).build()).get())
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("401");
        }

        assertThat(Webhooks.control(EMULATOR.baseUrl(), "GET", "/users/" + user + "/inbox", null).path("messages")
                .findValuesAsText("text")).containsExactly("with our token");
    }

    @Test
    void anOwnTokenSupplierBesideLinegatesManagedTokenIsNamedInTheFailureReport(CapturedOutput output) {
        OwnTokens.token = "unused";
        assertThatThrownBy(() -> start(new Class<?>[] {App.class, OwnTokens.class}, WebApplicationType.NONE,
                "line.bot.channel-secret=" + EMULATOR.defaultChannel().channelSecret(), "linegate.token-type=stateless",
                "linegate.channel-id=" + EMULATOR.defaultChannel().channelId())).isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("the application's ChannelTokenSupplier bean 'ownTokens' gives the token of the channel of line.bot.*,"
                        + " and linegate.token-type is set too")
                .contains("Property: linegate.token-type");
    }

    /** A stateless channel access token from the emulator's token endpoint (Messaging API reference, "Issue stateless channel access token"). */
    private static String statelessToken() {
        String form = "grant_type=client_credentials&client_id=" + enc(EMULATOR.defaultChannel().channelId())
                + "&client_secret=" + enc(EMULATOR.defaultChannel().channelSecret());
        HttpResponse<String> res = Webhooks.send(HttpRequest.newBuilder(URI.create(EMULATOR.baseUrl() + "/oauth2/v3/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return Webhooks.json(res.body()).path("access_token").asText();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
