package com.example.showcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.EmulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The showcase against the emulator, as its users see it: what each command sends (read from the
 * user's, group's or room's inbox), the group operations' effects, and the second channel answering
 * its own users with its own token. Content URLs come from {@code showcase.public-base-url} here, since
 * the emulator (as LINE) takes HTTPS content URLs only and the test's server is plain HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ShowcaseTest {
    static final Emulator LINE = Emulator.builder().port(0).config(twoChannels()).start();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String BASE = "https://showcase.example";

    static ChannelInfo main() {
        return LINE.channels().get(0);
    }

    static ChannelInfo shop() {
        return LINE.channels().get(1);
    }

    static EmulatorConfig twoChannels() {
        EmulatorConfig config = new EmulatorConfig();
        config.channels.add(new EmulatorConfig.ChannelConfig());
        config.channels.add(new EmulatorConfig.ChannelConfig());
        return config;
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry r) throws Exception {
        String store = "sqlite:" + Files.createTempDirectory("showcase");
        r.add("line.bot.channel-secret", () -> main().channelSecret());
        r.add("line.bot.api-end-point", LINE::baseUrl);
        r.add("linegate.channel-id", () -> main().channelId());
        r.add("linegate.store", () -> store);
        r.add("linegate.warm-up", () -> "0s");
        r.add("linegate.channels.shop.channel-secret", () -> shop().channelSecret());
        r.add("linegate.channels.shop.channel-id", () -> shop().channelId());
        r.add("linegate.channels.shop.api-end-point", LINE::baseUrl);
        r.add("showcase.public-base-url", () -> BASE);
    }

    @Value("${local.server.port}")
    int port;
    String user;

    @AfterAll
    static void stop() {
        LINE.close();
    }

    @BeforeEach
    void aFriend() {
        for (ChannelInfo c : LINE.channels()) {
            control("PUT", "/channels/" + c.channelId() + "/settings", "{\"webhookUrl\":\"http://127.0.0.1:" + port
                    + (c == shop() ? "/callback/shop" : "/callback") + "\",\"webhookActive\":true,\"greeting\":false,\"autoReply\":false}");
        }
        user = control("POST", "/users", "{\"displayName\":\"Aiko\"}").path("userId").asText();
        control("POST", "/users/" + user + "/follow", "{}");
    }

    @Test
    void imagesAudioAndImagemapsPointAtTheApplicationsPublicFiles() {
        assertThat(say("image").path("originalContentUrl").asText()).isEqualTo(BASE + "/images/lantern.png");
        JsonNode audio = say("audio");
        assertThat(audio.path("originalContentUrl").asText()).isEqualTo(BASE + "/audio/chime.m4a");
        assertThat(audio.path("duration").asLong()).isEqualTo(2000);
        JsonNode map = say("imagemap");
        assertThat(map.path("baseUrl").asText()).isEqualTo(BASE + "/imagemap");
        assertThat(map.path("actions")).hasSize(2);
    }

    @Test
    void templatesFlexAndQuickRepliesArriveAsSentAndAPostbackIsAnswered() {
        JsonNode buttons = say("buttons");
        assertThat(buttons.path("template").path("type").asText()).isEqualTo("buttons");
        assertThat(buttons.path("template").path("thumbnailImageUrl").asText()).isEqualTo(BASE + "/images/lantern.png");
        assertThat(say("carousel").path("template").path("columns")).hasSize(2);
        assertThat(say("confirm").path("template").path("type").asText()).isEqualTo("confirm");
        assertThat(say("flex").path("contents").path("body").path("contents").get(0).path("text").asText()).isEqualTo("Receipt");
        assertThat(say("menu").path("quickReply").path("items")).hasSize(3);

        int before = inbox("/users/" + user).size();
        control("POST", "/users/" + user + "/postback", "{\"data\":\"colour=blue\"}");
        assertThat(next("/users/" + user, before).path("text").asText()).isEqualTo("You chose colour=blue");
    }

    @Test
    void theProfileIsTheUsersOwn() {
        assertThat(say("profile").path("text").asText()).isEqualTo("You are Aiko.");
    }

    @Test
    void inAGroupTheBotCountsItsMembersAndLeavesWhenAsked() {
        String friend = control("POST", "/users", "{\"displayName\":\"Ren\"}").path("userId").asText();
        String group = control("POST", "/groups", "{\"name\":\"Lantern club\",\"members\":[\"" + user + "\",\"" + friend + "\"]}")
                .path("groupId").asText();
        assertThat(sayIn(group, "members").path("text").asText()).isEqualTo("Lantern club has 2 members.");
        assertThat(sayIn(group, "profile").path("text").asText()).isEqualTo("You are Aiko.");

        control("POST", "/groups/" + group + "/messages", "{\"userId\":\"" + user + "\",\"type\":\"text\",\"text\":\"bye\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> !botIsMember(group));
    }

    @Test
    void inARoomTheBotCountsItsMembers() {
        String room = control("POST", "/groups", "{\"name\":\"Tea\",\"type\":\"room\",\"members\":[\"" + user + "\"]}")
                .path("groupId").asText();
        assertThat(sayIn(room, "members").path("text").asText()).isEqualTo("This room has 1 members.");
    }

    @Test
    void theSecondChannelAnswersItsOwnUsersWithItsOwnToken() {
        String shopCustomer = control("POST", "/users?channelId=" + shop().channelId(), "{\"displayName\":\"Mei\"}")
                .path("userId").asText();
        control("POST", "/users/" + shopCustomer + "/follow?channelId=" + shop().channelId(), "{}");
        String inbox = "/users/" + shopCustomer;
        await().atMost(Duration.ofSeconds(20)).until(() -> messages(inbox + "/inbox?channelId=" + shop().channelId()).size() == 1);
        control("POST", "/users/" + shopCustomer + "/messages?channelId=" + shop().channelId(),
                "{\"type\":\"text\",\"text\":\"paper lanterns\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> messages(inbox + "/inbox?channelId=" + shop().channelId()).size() == 2);
        JsonNode messages = messages(inbox + "/inbox?channelId=" + shop().channelId());
        assertThat(messages.get(0).path("message").path("text").asText()).isEqualTo("Welcome to the lantern shop.");
        assertThat(messages.get(1).path("message").path("text").asText()).isEqualTo("Shop: we have paper lanterns in stock.");
    }

    /** The user says {@code text} to the default channel's bot; its one answer. */
    private JsonNode say(String text) {
        int before = inbox("/users/" + user).size();
        control("POST", "/users/" + user + "/messages", "{\"type\":\"text\",\"text\":\"" + text + "\"}");
        return next("/users/" + user, before);
    }

    private JsonNode sayIn(String group, String text) {
        int before = inbox("/groups/" + group).size();
        control("POST", "/groups/" + group + "/messages", "{\"userId\":\"" + user + "\",\"type\":\"text\",\"text\":\"" + text + "\"}");
        return next("/groups/" + group, before);
    }

    private JsonNode next(String chat, int before) {
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(chat).size() > before);
        return inbox(chat).get(before).path("message");
    }

    private JsonNode inbox(String chat) {
        return messages(chat + "/inbox");
    }

    private static JsonNode messages(String path) {
        return control("GET", path, null).path("messages");
    }

    private boolean botIsMember(String group) {
        for (JsonNode g : control("GET", "/groups", null).path("groups")) {
            if (g.path("groupId").asText().equals(group)) {
                return g.path("botIsMember").asBoolean();
            }
        }
        return false;
    }

    static JsonNode control(String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(LINE.baseUrl() + "/control/v1" + path))
                    .timeout(Duration.ofSeconds(20));
            b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                    : b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
            }
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
