package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Fault injection, groups, rate-limit switches, config and state snapshot, reset. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FaultsAndControlTest extends ReceiverFixture {

    @BeforeEach
    void start() {
        startEmulator(b -> b);
    }

    @Test
    void acceptedButLostPushIsDeliveredAndItsRetryIs409() throws Exception {
        String u = friend("Alice");
        control.post("/control/v1/faults", "{\"endpoint\":\"/v2/bot/message/push\",\"acceptedButLostRate\":1.0,\"count\":1}");
        String key = UUID.randomUUID().toString();
        String body = "{\"to\":\"" + u + "\",\"messages\":[{\"type\":\"text\",\"text\":\"lost?\"}]}";
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/v2/bot/message/push"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + emulator.defaultChannel().accessToken())
                .header("X-Line-Retry-Key", key)
                .timeout(Duration.ofMillis(700))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        assertThatThrownBy(() -> client.send(req, HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
        // The message went out although the client never heard back...
        assertThat(control.get("/control/v1/users/" + u + "/inbox").json().path("messages")).hasSize(1);
        // ...so the retry with the same key is a 409, and nothing is sent twice.
        Http.Res retry = http.post("/v2/bot/message/push", body, Map.of("X-Line-Retry-Key", key,
                "Authorization", "Bearer " + emulator.defaultChannel().accessToken()));
        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.header("x-line-accepted-request-id")).isNotBlank();
        assertThat(control.get("/control/v1/users/" + u + "/inbox").json().path("messages")).hasSize(1);
    }

    @Test
    void injectedErrorIsNotProcessedAndTheRetryGoesThrough() throws Exception {
        String u = friend("Bob");
        control.post("/control/v1/faults", "{\"endpoint\":\"/v2/bot/message/push\",\"errorRate\":1.0,\"count\":1}");
        String key = UUID.randomUUID().toString();
        String body = "{\"to\":\"" + u + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}";
        Map<String, String> h = Map.of("X-Line-Retry-Key", key, "Authorization", "Bearer " + emulator.defaultChannel().accessToken());
        Http.Res failed = http.post("/v2/bot/message/push", body, h);
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.json().path("message").asText()).isEqualTo("Internal server error");
        assertThat(control.get("/control/v1/users/" + u + "/inbox").json().path("messages")).isEmpty();
        assertThat(http.post("/v2/bot/message/push", body, h).status()).isEqualTo(200);
        assertThat(control.get("/control/v1/users/" + u + "/inbox").json().path("messages")).hasSize(1);
    }

    @Test
    void resetDropsTheConnectionAndLatencyDelays() {
        // A POST, because HTTP clients retry idempotent requests on a dropped connection by themselves.
        String valid = "{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}";
        control.post("/control/v1/faults", "{\"endpoint\":\"/v2/bot/message/validate/{type}\",\"resetRate\":1.0,\"count\":1}");
        assertThatThrownBy(() -> http.post("/v2/bot/message/validate/push", valid)).hasCauseInstanceOf(IOException.class);
        assertThat(http.post("/v2/bot/message/validate/push", valid).status()).isEqualTo(200);
        control.post("/control/v1/faults", "{\"endpoint\":\"/v2/bot/info\",\"latencyMs\":300,\"count\":1}");
        long t0 = System.nanoTime();
        assertThat(http.get("/v2/bot/info").status()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(290);
        Http.Res bad = control.post("/control/v1/faults", "{\"endpoint\":\"/v2/bot/info\",\"errorRate\":2}");
        assertThat(bad.status()).isEqualTo(400);
    }

    @Test
    void groupsReceiveMessagesAndAnswerGroupOperations() throws Exception {
        String a = friend("A");
        String b = friend("B");
        Http.Res g = control.post("/control/v1/groups", "{\"name\":\"Team\",\"members\":[\"" + a + "\",\"" + b + "\"]}");
        String groupId = g.json().path("groupId").asText();
        assertThat(groupId).matches("C[0-9a-f]{32}");
        JsonNode join = Json.mapper().readTree(receiver.take().contentUtf8()).path("events").get(0);
        assertThat(join.path("type").asText()).isEqualTo("join");
        assertThat(join.path("source").path("groupId").asText()).isEqualTo(groupId);

        Http.Res m = control.post("/control/v1/groups/" + groupId + "/messages", "{\"userId\":\"" + a + "\",\"type\":\"text\",\"text\":\"hi all\"}");
        JsonNode event = Json.mapper().readTree(receiver.take().contentUtf8()).path("events").get(0);
        assertThat(event.path("source").path("type").asText()).isEqualTo("group");
        assertThat(event.path("source").path("userId").asText()).isEqualTo(a);
        http.post("/v2/bot/message/reply", "{\"replyToken\":\"" + m.json().path("replyToken").asText()
                + "\",\"messages\":[{\"type\":\"text\",\"text\":\"hello team\"}]}");
        assertThat(control.get("/control/v1/groups/" + groupId + "/inbox").json().path("messages").get(0).path("message").path("text").asText())
                .isEqualTo("hello team");
        assertThat(http.get("/v2/bot/group/" + groupId + "/summary").json().path("groupName").asText()).isEqualTo("Team");
        assertThat(http.get("/v2/bot/group/" + groupId + "/members/count").json().path("count").asInt()).isEqualTo(2);
        assertThat(http.get("/v2/bot/group/" + groupId + "/members/ids").json().path("memberIds")).hasSize(2);
        assertThat(http.get("/v2/bot/group/" + groupId + "/member/" + b).json().path("displayName").asText()).isEqualTo("B");
        assertThat(http.post("/v2/bot/group/" + groupId + "/leave", "").status()).isEqualTo(200);
        assertThat(http.get("/v2/bot/group/" + groupId + "/summary").status()).isEqualTo(404);
    }

    @Test
    void aGroupMembersProfileHasThePictureUrlTheUserHas() throws Exception {
        String withPicture = control.post("/control/v1/users", "{\"displayName\":\"P\",\"pictureUrl\":\"https://example.com/p.png\"}")
                .json().path("userId").asText();
        String without = control.post("/control/v1/users", "{\"displayName\":\"N\"}").json().path("userId").asText();
        String groupId = control.post("/control/v1/groups", "{\"name\":\"Pics\",\"members\":[\"" + withPicture + "\",\"" + without + "\"]}")
                .json().path("groupId").asText();
        receiver.take(); // join
        JsonNode member = http.get("/v2/bot/group/" + groupId + "/member/" + withPicture).json();
        assertThat(member.path("displayName").asText()).isEqualTo("P");
        assertThat(member.path("pictureUrl").asText()).isEqualTo("https://example.com/p.png");
        // As on LINE, a user without a profile picture has no pictureUrl (omitted, never null).
        assertThat(http.get("/v2/bot/group/" + groupId + "/member/" + without).json().has("pictureUrl")).isFalse();
    }

    @Test
    void resetForgetsUsersButKeepsTheChannel() throws Exception {
        String u = friend("Zed");
        JsonNode users = control.get("/control/v1/users").json().path("users");
        assertThat(users).hasSize(1);
        assertThat(users.get(0).path("relation").asText()).isEqualTo("FRIEND");
        assertThat(control.post("/control/v1/reset", "").status()).isEqualTo(200);
        assertThat(http.get("/v2/bot/profile/" + u).status()).isEqualTo(404);
        assertThat(http.get("/v2/bot/info").status()).isEqualTo(200);
        assertThat(control.get("/control/v1/users").json().path("users")).isEmpty();
    }

    @Test
    void rateLimitsCanBeDisabledOrScaled() {
        try (Emulator off = Emulator.builder().rateLimits(false).build().start()) {
            Http h = new Http(off.baseUrl(), off.defaultChannel().accessToken());
            for (int i = 0; i < 70; i++) {
                assertThat(h.post("/v2/bot/message/broadcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}").status()).isEqualTo(200);
            }
        }
        try (Emulator scaled = Emulator.builder().rateLimitScale(0.05).build().start()) {
            Http h = new Http(scaled.baseUrl(), scaled.defaultChannel().accessToken());
            // 60/h scaled by 0.05 is 3 per hour
            for (int i = 0; i < 3; i++) {
                assertThat(h.post("/v2/bot/message/broadcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}").status()).isEqualTo(200);
            }
            assertThat(h.post("/v2/bot/message/broadcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}").status()).isEqualTo(429);
        }
    }

    @Test
    void yamlConfigAndStateSnapshot(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("emulator.yaml");
        Files.writeString(yaml, """
                rateLimits: { enabled: false }
                providers: [ { name: Acme, certified: true } ]
                channels:
                  - channelId: "1234567890"
                    channelSecret: 8c570fa6dd201bb328f1c1eac23a96d8
                    botUserId: U8e742f61d673b39c7fff3cecb7536ef0
                    provider: Acme
                    longLivedToken: fixed-token-for-scripts-0123456789
                users:
                  - { userId: U00000000000000000000000000000001, displayName: Alice, friendOf: ["*"] }
                """);
        Path state = dir.resolve("state");
        try (Emulator e = Emulator.builder().config(yaml).stateDir(state).build().start()) {
            assertThat(e.defaultChannel().channelId()).isEqualTo("1234567890");
            assertThat(e.defaultChannel().accessToken()).isEqualTo("fixed-token-for-scripts-0123456789");
            Http h = new Http(e.baseUrl(), e.defaultChannel().accessToken());
            assertThat(h.get("/v2/bot/profile/U00000000000000000000000000000001").json().path("displayName").asText()).isEqualTo("Alice");
            Http c = new Http(e.baseUrl(), null);
            String bob = c.post("/control/v1/users", "{\"displayName\":\"Bob\"}").json().path("userId").asText();
            c.post("/control/v1/users/" + bob + "/follow", "");
            Files.writeString(dir.resolve("bob"), bob);
        }
        String bob = Files.readString(dir.resolve("bob"));
        assertThat(Files.readString(state.resolve("emulator-state.json"))).doesNotContain("8c570fa6dd201bb328f1c1eac23a96d8");
        try (Emulator e = Emulator.builder().config(yaml).stateDir(state).build().start()) {
            Http h = new Http(e.baseUrl(), e.defaultChannel().accessToken());
            assertThat(h.get("/v2/bot/profile/" + bob).json().path("displayName").asText()).isEqualTo("Bob");
        }
    }

    @Test
    void certifiedProviderAdminsAreNotifiedOfRequestTimeouts() throws Exception {
        EmulatorConfig cfg = new EmulatorConfig();
        EmulatorConfig.Provider p = new EmulatorConfig.Provider();
        p.name = "Certified";
        p.certified = true;
        cfg.providers.add(p);
        EmulatorConfig.ChannelConfig c = new EmulatorConfig.ChannelConfig();
        c.provider = "Certified";
        c.webhookUrl = receiver.url();
        cfg.channels.add(c);
        cfg.webhookTimeoutMs = 300;
        receiver.delayMs = 600;
        try (Emulator e = Emulator.builder().config(cfg).build().start()) {
            Http ctl = new Http(e.baseUrl(), null);
            String u = ctl.post("/control/v1/users", "{\"displayName\":\"N\"}").json().path("userId").asText();
            ctl.post("/control/v1/users/" + u + "/follow", "");
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> ctl.get("/control/v1/webhook-errors").json().path("adminNotifications").size() == 1);
            assertThat(ctl.get("/control/v1/webhook-errors").json().path("adminNotifications").get(0).asText()).contains("request_timeout");
        }
    }

    @Test
    void manyEventsWithoutAWebhookAreDroppedQuietly() {
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.maxEventsPerWebhook = 1;
        try (Emulator e = Emulator.builder().config(cfg).build().start()) {
            Http ctl = new Http(e.baseUrl(), null);
            StringBuilder events = new StringBuilder("{\"events\":[");
            for (int i = 0; i < 20_000; i++) {
                events.append(i == 0 ? "" : ",").append("{\"type\":\"things\"}");
            }
            assertThat(ctl.post("/control/v1/events", events.append("]}").toString()).status()).isEqualTo(200);
            assertThat(ctl.get("/control/v1/deliveries").json().path("deliveries")).isEmpty();
        }
    }
}
