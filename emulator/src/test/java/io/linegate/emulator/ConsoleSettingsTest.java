package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The consoles' webhook and response settings: readable and writable through the control API, shown
 * through the Messaging API where LINE shows them, and refusing what LINE's consoles refuse.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConsoleSettingsTest {
    Emulator emulator;
    Http control;
    Http api;
    String settingsPath;

    @BeforeEach
    void start() {
        emulator = Emulator.builder().port(0).webhookUrl("http://127.0.0.1:1/webhook").start();
        control = new Http(emulator.baseUrl(), null);
        api = new Http(emulator.baseUrl(), emulator.defaultChannel().accessToken());
        settingsPath = "/control/v1/channels/" + emulator.defaultChannel().channelId() + "/settings";
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    Http.Res put(String json) {
        return control.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + settingsPath))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)), false);
    }

    @Test
    void theSettingsReadBackAsSetAndChatShowsInTheBotInfo() {
        JsonNode initial = control.get(settingsPath).json();
        assertThat(initial.path("webhookUrl").asText()).isEqualTo("http://127.0.0.1:1/webhook");
        assertThat(initial.path("webhookActive").asBoolean()).isTrue();
        assertThat(initial.path("autoReply").asBoolean()).isFalse();
        assertThat(initial.path("chat").asBoolean()).isFalse();
        assertThat(api.get("/v2/bot/info").json().path("chatMode").asText()).isEqualTo("bot");
        assertThat(api.get("/v2/bot/info").json().path("markAsReadMode").asText()).isEqualTo("auto");

        assertThat(put("{\"chat\":true,\"autoReply\":true,\"greeting\":true}").status()).isEqualTo(200);
        JsonNode after = control.get(settingsPath).json();
        assertThat(after.path("chat").asBoolean()).isTrue();
        assertThat(after.path("autoReply").asBoolean()).isTrue();
        assertThat(after.path("greeting").asBoolean()).isTrue();
        assertThat(after.path("webhookUrl").asText()).isEqualTo("http://127.0.0.1:1/webhook");
        JsonNode info = api.get("/v2/bot/info").json();
        assertThat(info.path("chatMode").asText()).isEqualTo("chat");
        assertThat(info.path("markAsReadMode").asText()).isEqualTo("manual");
        // Turning the webhook off no longer changes the chat mode: they are separate settings.
        assertThat(put("{\"webhookActive\":false}").status()).isEqualTo(200);
        assertThat(api.get("/v2/bot/info").json().path("chatMode").asText()).isEqualTo("chat");
        assertThat(api.get("/v2/bot/channel/webhook/endpoint").json().path("active").asBoolean()).isFalse();
    }

    @Test
    void theForbiddenCombinationIsRefusedAndChangesNothing() {
        assertThat(put("{\"autoReply\":true,\"greeting\":false}").status()).isEqualTo(200);
        JsonNode before = control.get(settingsPath).json();

        Http.Res refused = put("{\"webhookActive\":false,\"autoReply\":false,\"greeting\":false,\"chat\":true}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("message").asText())
                .isEqualTo("Webhook, auto-reply messages and greeting messages cannot all be turned off");
        assertThat(control.get(settingsPath).json()).isEqualTo(before);

        // One step at a time reaches the same wall: auto-reply off is refused once the webhook is off.
        assertThat(put("{\"webhookActive\":false}").status()).isEqualTo(200);
        assertThat(put("{\"autoReply\":false}").status()).isEqualTo(400);
        assertThat(control.get(settingsPath).json().path("autoReply").asBoolean()).isTrue();
    }

    @Test
    void aMisspelledOrMistypedSettingIsA400NamingItAndChangesNothing() {
        JsonNode before = control.get(settingsPath).json();
        Http.Res unknown = put("{\"autoreply\":true}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("details").get(0).path("property").asText()).isEqualTo("autoreply");
        Http.Res mistyped = put("{\"greeting\":\"yes\",\"quota\":-1}");
        assertThat(mistyped.status()).isEqualTo(400);
        assertThat(mistyped.json().path("details").findValuesAsText("property")).containsExactlyInAnyOrder("greeting", "quota");
        assertThat(control.get(settingsPath).json()).isEqualTo(before);
        assertThat(control.get("/control/v1/channels/999/settings").status()).isEqualTo(404);
    }

    @Test
    void theGreetingIsSentOnFollowAndAgainOnUnblock() {
        assertThat(put("{\"greeting\":true,\"greetingText\":\"Welcome!\"}").status()).isEqualTo(200);
        String u = control.post("/control/v1/users", "{\"displayName\":\"Hana\"}").json().path("userId").asText();
        control.post("/control/v1/users/" + u + "/follow", "");
        control.post("/control/v1/users/" + u + "/block", "");
        control.post("/control/v1/users/" + u + "/unblock", "");
        JsonNode inbox = control.get("/control/v1/users/" + u + "/inbox").json().path("messages");
        assertThat(inbox).hasSize(2);
        assertThat(inbox.findValuesAsText("via")).containsExactly("greeting", "greeting");
    }

    @Test
    void apiResponsesCarryADateHeaderForClockChecks() {
        Http.Res info = api.get("/v2/bot/info");
        String date = info.header("date");
        assertThat(date).isNotNull();
        Instant sent = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertThat(sent).isBetween(Instant.now().minusSeconds(5), Instant.now().plusSeconds(1));
    }
}
