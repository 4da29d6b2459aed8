package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Webhook delivery: signing, headers, event shapes, batching, reply tokens, errors and redelivery. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WebhookDeliveryTest extends ReceiverFixture {

    @BeforeEach
    void start() {
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.redeliveryIntervalMs = 100;
        startEmulator(b -> b.config(cfg));
    }

    String newUser(String name) {
        return control.post("/control/v1/users", "{\"displayName\":\"" + name + "\"}").json().path("userId").asText();
    }

    JsonNode verified(AggregatedHttpRequest req) throws Exception {
        byte[] body = req.content().array();
        Secret secret = Secret.of(emulator.defaultChannel().channelSecret(), "secret");
        assertThat(WebhookSignature.of(secret).verify(body, req.headers().get("x-line-signature")).isValid()).isTrue();
        assertThat(req.headers().get("content-type")).isEqualTo("application/json; charset=utf-8");
        assertThat(req.headers().get("user-agent")).isEqualTo("LineBotWebhook/2.0");
        JsonNode json = Json.mapper().readTree(body);
        assertThat(json.path("destination").asText()).isEqualTo(emulator.defaultChannel().botUserId());
        return json;
    }

    @Test
    void followThenTextThenReplyOnceOnly() throws Exception {
        String alice = newUser("Alice");
        assertThat(alice).matches("U[0-9a-f]{32}");
        assertThat(control.post("/control/v1/users/" + alice + "/follow", "").status()).isEqualTo(200);
        JsonNode follow = verified(receiver.take()).path("events").get(0);
        assertThat(follow.path("type").asText()).isEqualTo("follow");
        assertThat(follow.path("source").path("userId").asText()).isEqualTo(alice);
        assertThat(follow.path("follow").path("isUnblocked").asBoolean()).isFalse();
        assertThat(Ulid.isValid(follow.path("webhookEventId").asText())).isTrue();
        assertThat(follow.path("mode").asText()).isEqualTo("active");
        assertThat(follow.path("deliveryContext").path("isRedelivery").asBoolean()).isFalse();
        assertThat(Math.abs(follow.path("timestamp").asLong() - System.currentTimeMillis())).isLessThan(60_000);

        Http.Res sent = control.post("/control/v1/users/" + alice + "/messages", "{\"type\":\"text\",\"text\":\"hi\"}");
        assertThat(sent.status()).isEqualTo(200);
        JsonNode event = verified(receiver.take()).path("events").get(0);
        assertThat(event.path("message").path("text").asText()).isEqualTo("hi");
        assertThat(event.path("message").path("id").asText()).isEqualTo(sent.json().path("messageId").asText());
        assertThat(event.path("webhookEventId").asText()).isEqualTo(sent.json().path("webhookEventId").asText());
        String token = event.path("replyToken").asText();
        assertThat(token).isEqualTo(sent.json().path("replyToken").asText());

        String reply = "{\"replyToken\":\"" + token + "\",\"messages\":[{\"type\":\"text\",\"text\":\"hello Alice\"}]}";
        Http.Res first = http.post("/v2/bot/message/reply", reply);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("sentMessages").get(0).path("id").asText()).matches("\\d+");
        Http.Res second = http.post("/v2/bot/message/reply", reply);
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.json().path("message").asText()).isEqualTo("Invalid reply token");

        JsonNode inbox = control.get("/control/v1/users/" + alice + "/inbox").json().path("messages");
        assertThat(inbox).hasSize(1);
        assertThat(inbox.get(0).path("via").asText()).isEqualTo("reply");
        assertThat(inbox.get(0).path("message").path("text").asText()).isEqualTo("hello Alice");
        assertThat(inbox.get(0).path("requestId").asText()).isEqualTo(first.header("x-line-request-id"));
    }

    @Test
    void eventsThatOccurTogetherAreBatchedInOneRequest() throws Exception {
        String a = newUser("A");
        String b = newUser("B");
        String events = "{\"events\":[{\"type\":\"follow\",\"source\":{\"type\":\"user\",\"userId\":\"" + a + "\"}},"
                + "{\"type\":\"somethingNew\",\"source\":{\"type\":\"user\",\"userId\":\"" + b + "\"},\"newField\":1}]}";
        assertThat(control.post("/control/v1/events", events).status()).isEqualTo(200);
        JsonNode body = verified(receiver.take());
        assertThat(body.path("events")).hasSize(2);
        assertThat(body.path("events").get(0).path("source").path("userId").asText()).isEqualTo(a);
        assertThat(body.path("events").get(1).path("type").asText()).isEqualTo("somethingNew");
        assertThat(body.path("events").get(1).path("newField").asInt()).isEqualTo(1);
        assertThat(body.path("events").get(1).has("replyToken")).isFalse();
        assertThat(Ulid.isValid(body.path("events").get(1).path("webhookEventId").asText())).isTrue();
    }

    @Test
    void imageContentIsServedOnApiDataPaths() throws Exception {
        String u = newUser("Carol");
        control.post("/control/v1/users/" + u + "/follow", "");
        receiver.take();
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        Http.Res sent = control.post("/control/v1/users/" + u + "/messages",
                "{\"type\":\"image\",\"contentType\":\"image/png\",\"contentBase64\":\"" + Base64.getEncoder().encodeToString(png) + "\"}");
        JsonNode event = verified(receiver.take()).path("events").get(0);
        assertThat(event.path("message").path("contentProvider").path("type").asText()).isEqualTo("line");
        String id = sent.json().path("messageId").asText();
        var res = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/v2/bot/message/" + id + "/content")).GET(), true);
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).isEqualTo("image/png");
        assertThat(http.get("/v2/bot/message/999/content").status()).isEqualTo(404);

        control.post("/control/v1/users/" + u + "/unsend", "{\"messageId\":\"" + id + "\"}");
        JsonNode unsend = verified(receiver.take()).path("events").get(0);
        assertThat(unsend.path("type").asText()).isEqualTo("unsend");
        assertThat(unsend.path("unsend").path("messageId").asText()).isEqualTo(id);
        assertThat(http.get("/v2/bot/message/" + id + "/content").status()).isEqualTo(410);
    }

    @Test
    void failedDeliveryIsCountedAndRedeliveredWithSameIdAndReplyToken() throws Exception {
        String channelId = emulator.defaultChannel().channelId();
        Http.Res settings = control.send(HttpRequest.newBuilder(URI.create(
                emulator.baseUrl() + "/control/v1/channels/" + channelId + "/settings"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"redelivery\":true}")), false);
        assertThat(settings.status()).isEqualTo(200);
        String u = newUser("Dave");
        receiver.status = 500;
        control.post("/control/v1/users/" + u + "/follow", "");
        JsonNode original = verified(receiver.take()).path("events").get(0);
        receiver.status = 200;
        JsonNode again = verified(receiver.take()).path("events").get(0);
        assertThat(again.path("deliveryContext").path("isRedelivery").asBoolean()).isTrue();
        assertThat(again.path("webhookEventId").asText()).isEqualTo(original.path("webhookEventId").asText());
        assertThat(again.path("replyToken").asText()).isEqualTo(original.path("replyToken").asText());
        assertThat(again.path("timestamp").asLong()).isEqualTo(original.path("timestamp").asLong());

        await().atMost(Duration.ofSeconds(5)).until(() -> control.get("/control/v1/deliveries?limit=10").json().path("deliveries").size() == 2);
        JsonNode deliveries = control.get("/control/v1/deliveries?limit=10").json().path("deliveries");
        assertThat(deliveries.get(0).path("statusCode").asInt()).isEqualTo(500);
        assertThat(deliveries.get(0).path("reason").asText()).isEqualTo("ERROR_STATUS_CODE");
        assertThat(deliveries.get(1).path("isRedelivery").asBoolean()).isTrue();
        JsonNode errors = control.get("/control/v1/webhook-errors").json();
        assertThat(errors.path("total").asLong()).isEqualTo(1);
        assertThat(errors.path("errors").get(0).path("reason").asText()).isEqualTo("error_status_code");
        assertThat(errors.path("errors").get(0).path("detail").asText()).isEqualTo("500");
    }

    @Test
    void slowBotIsARequestTimeout() throws Exception {
        receiver.delayMs = 2500;
        String u = newUser("Erin");
        control.post("/control/v1/users/" + u + "/follow", "");
        receiver.take();
        await().atMost(Duration.ofSeconds(6)).until(() -> control.get("/control/v1/webhook-errors").json().path("total").asLong() == 1);
        JsonNode errors = control.get("/control/v1/webhook-errors").json();
        JsonNode row = errors.path("errors").get(0);
        assertThat(row.path("reason").asText()).isEqualTo("request_timeout");
        assertThat(row.path("detail").asText()).isEqualTo("Request timeout");
        assertThat(errors.path("adminNotifications")).isEmpty(); // the default provider is not certified
    }

    @Test
    void webhookEndpointGetPutAndTest() throws Exception {
        JsonNode get = http.get("/v2/bot/channel/webhook/endpoint").json();
        assertThat(get.path("endpoint").asText()).isEqualTo(receiver.url());
        assertThat(get.path("active").asBoolean()).isTrue();
        http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/v2/bot/channel/webhook/endpoint"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"endpoint\":\"http://example.com/hook\"}")), true);
        // plain http is only for loopback
        assertThat(http.get("/v2/bot/channel/webhook/endpoint").json().path("endpoint").asText()).isEqualTo(receiver.url());

        Http.Res test = http.post("/v2/bot/channel/webhook/test", "{}");
        assertThat(test.status()).isEqualTo(200);
        assertThat(test.json().path("success").asBoolean()).isTrue();
        assertThat(test.json().path("statusCode").asInt()).isEqualTo(200);
        assertThat(test.json().path("reason").asText()).isEqualTo("OK");
        assertThat(test.json().path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        JsonNode body = verified(receiver.take());
        assertThat(body.path("events")).isEmpty();

        Http.Res down = http.post("/v2/bot/channel/webhook/test", "{\"endpoint\":\"http://127.0.0.1:1/callback\"}");
        assertThat(down.json().path("success").asBoolean()).isFalse();
        assertThat(down.json().path("statusCode").asInt()).isEqualTo(0);
        assertThat(down.json().path("reason").asText()).isEqualTo("COULD_NOT_CONNECT");
        assertThat(control.get("/control/v1/webhook-errors").json().path("total").asLong()).isZero();
    }

    @Test
    void greetingOnFollowAndForbiddenSettingsCombination() {
        String channelId = emulator.defaultChannel().channelId();
        Function<String, Http.Res> put = json -> control.send(HttpRequest.newBuilder(
                URI.create(emulator.baseUrl() + "/control/v1/channels/" + channelId + "/settings"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)), false);
        Http.Res refused = put.apply("{\"webhookActive\":false,\"autoReply\":false,\"greeting\":false}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(put.apply("{\"greeting\":true,\"greetingText\":\"Welcome!\"}").status()).isEqualTo(200);
        String u = newUser("Frank");
        control.post("/control/v1/users/" + u + "/follow", "");
        JsonNode inbox = control.get("/control/v1/users/" + u + "/inbox").json().path("messages");
        assertThat(inbox).hasSize(1);
        assertThat(inbox.get(0).path("via").asText()).isEqualTo("greeting");
        assertThat(inbox.get(0).path("message").path("text").asText()).isEqualTo("Welcome!");
    }

    @Test
    void textWithEmojisAndMentionsAndLocationsReachTheBotAsSent() throws Exception {
        String u = newUser("Gail");
        String text = "{\"type\":\"text\",\"text\":\"@bot hi (love)\","
                + "\"emojis\":[{\"index\":8,\"length\":6,\"productId\":\"5ac1bfd5040ab15980c9b435\",\"emojiId\":\"001\"}],"
                + "\"mention\":{\"mentionees\":[{\"index\":0,\"length\":4,\"type\":\"user\",\"isSelf\":true}]}}";
        control.post("/control/v1/users/" + u + "/messages", text);
        JsonNode m = verified(receiver.take()).path("events").get(0).path("message");
        assertThat(m.path("emojis").get(0).path("emojiId").asText()).isEqualTo("001");
        assertThat(m.path("mention").path("mentionees").get(0).path("isSelf").asBoolean()).isTrue();
        assertThat(m.path("quoteToken").asText()).isNotEmpty();
        control.post("/control/v1/users/" + u + "/messages",
                "{\"type\":\"location\",\"title\":\"Tower\",\"address\":\"Tokyo\",\"latitude\":35.65,\"longitude\":139.74}");
        JsonNode loc = verified(receiver.take()).path("events").get(0).path("message");
        assertThat(loc.path("type").asText()).isEqualTo("location");
        assertThat(loc.path("latitude").asDouble()).isEqualTo(35.65);
        control.post("/control/v1/users/" + u + "/postback", "{\"data\":\"action=buy&item=1\"}");
        JsonNode pb = verified(receiver.take()).path("events").get(0);
        assertThat(pb.path("postback").path("data").asText()).isEqualTo("action=buy&item=1");
        assertThat(pb.path("replyToken").asText()).isNotEmpty();
    }
    @Test
    void signatureHeaderNameInTheConfiguredCaseOverHttp1() throws Exception {
        // A raw socket: HTTP libraries normalize header names, and the case is what is tested here.
        try (ServerSocket bot = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            EmulatorConfig cfg = new EmulatorConfig();
            cfg.webhookSignatureHeader = "X-Line-Signature";
            try (Emulator e = Emulator.builder().config(cfg).webhookUrl("http://127.0.0.1:" + bot.getLocalPort() + "/cb").build().start()) {
                Http api = new Http(e.baseUrl(), e.defaultChannel().accessToken());
                // The test endpoint answers once the bot has: call it aside while the socket plays the bot.
                var tested = CompletableFuture.supplyAsync(() -> api.post("/v2/bot/channel/webhook/test", "{}"));
                bot.setSoTimeout(10_000);
                try (Socket s = bot.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), "US-ASCII"));
                    StringBuilder head = new StringBuilder();
                    for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                        head.append(line).append('\n');
                    }
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".getBytes("US-ASCII"));
                    assertThat(head.toString()).contains("\nX-Line-Signature: ").doesNotContain("x-line-signature");
                }
                assertThat(tested.get().json().path("success").asBoolean()).isTrue();
            }
        }
    }
}
