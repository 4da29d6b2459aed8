package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every kind of bad input gets the platform's status and error shape, never a 500 or a stack trace. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BadInputTest {
    static Emulator emulator;
    static Http http;

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().build().start();
        http = new Http(emulator.baseUrl(), emulator.defaultChannel().accessToken());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static void lineShape(Http.Res r, int status) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("x-line-request-id")).matches("[0-9a-f-]{36}");
        assertThat(r.json()).isNotNull();
        assertThat(r.json().path("message").isTextual()).isTrue();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void defaultChannelHasPlatformShapedIdentifiers() {
        ChannelInfo c = emulator.defaultChannel();
        assertThat(c.channelId()).matches("[1-9]\\d{9}");
        assertThat(c.channelSecret()).matches("[0-9a-f]{32}");
        assertThat(c.botUserId()).matches("U[0-9a-f]{32}");
        assertThat(c.accessToken()).hasSizeGreaterThan(100);
        assertThat(c.toString()).doesNotContain(c.channelSecret()).doesNotContain(c.accessToken());
        assertThat(emulator.baseUrl()).isEqualTo("http://127.0.0.1:" + emulator.port());
    }

    @Test
    void unknownPathIs404() {
        Http.Res r = http.get("/v2/bot/nothing/here");
        lineShape(r, 404);
        assertThat(r.json().path("message").asText()).isEqualTo("Not found");
    }

    @Test
    void missingOrWrongTokenIs401() {
        Http anonymous = new Http(emulator.baseUrl(), null);
        lineShape(anonymous.get("/v2/bot/info"), 401);
        Http wrong = new Http(emulator.baseUrl(), "not-a-token");
        Http.Res r = wrong.get("/v2/bot/info");
        lineShape(r, 401);
        assertThat(r.json().path("message").asText()).startsWith("Authentication failed");
    }

    @Test
    void malformedJsonIs400WithPosition() {
        Http.Res r = http.post("/v2/bot/message/push", "{\"to\": \"U1\",");
        lineShape(r, 400);
        assertThat(r.json().path("message").asText()).matches("The request body could not be parsed as JSON \\(line: \\d+, column: \\d+\\)");
    }

    @Test
    void wrongContentTypeIs415() {
        Http.Res r = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/v2/bot/message/push"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")), true);
        lineShape(r, 415);
        assertThat(r.json().path("message").asText()).isEqualTo("The content type, text/plain, is not supported");
    }

    @Test
    void bodyOver2MbIs413() {
        String big = "{\"to\":\"U" + "0".repeat(32) + "\",\"messages\":[{\"type\":\"text\",\"text\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}]}";
        Http.Res r = http.post("/v2/bot/message/push", big);
        lineShape(r, 413);
    }

    @Test
    void chunkedBodyOver2MbIs413Too() {
        byte[] big = ("{\"to\":\"U" + "0".repeat(32) + "\",\"messages\":[{\"type\":\"text\",\"text\":\""
                + "a".repeat(3 * 1024 * 1024) + "\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Http.Res r = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/v2/bot/message/push"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))), true);
        lineShape(r, 413);
    }

    @Test
    void tooManyMessagesAndTooLongTextAreReportedInDetails() {
        String six = "{\"type\":\"text\",\"text\":\"x\"},".repeat(5) + "{\"type\":\"text\",\"text\":\"x\"}";
        Http.Res r = http.post("/v2/bot/message/push", "{\"to\":\"U" + "0".repeat(32) + "\",\"messages\":[" + six + "]}");
        lineShape(r, 400);
        assertThat(r.json().path("message").asText()).isEqualTo("The request body has 1 error(s)");
        assertThat(r.json().path("details").get(0).path("property").asText()).isEqualTo("messages");

        String apple = "\uD83C\uDF4E"; // 2 UTF-16 units: 2,501 apples are 5,002 units
        Http.Res longText = http.post("/v2/bot/message/push", "{\"to\":\"U" + "0".repeat(32)
                + "\",\"messages\":[{\"type\":\"text\",\"text\":\"" + apple.repeat(2501) + "\"}]}");
        lineShape(longText, 400);
        assertThat(longText.json().path("details").get(0).path("property").asText()).isEqualTo("messages[0].text");

        Http.Res exact = http.post("/v2/bot/message/push", "{\"to\":\"U" + "0".repeat(32)
                + "\",\"messages\":[{\"type\":\"text\",\"text\":\"" + apple.repeat(2500) + "\"}]}");
        assertThat(exact.status()).isEqualTo(200);
    }

    @Test
    void emojiIndexMustPointAtDollar() {
        String body = "{\"to\":\"U" + "0".repeat(32) + "\",\"messages\":[{\"type\":\"text\",\"text\":\"a $ b\","
                + "\"emojis\":[{\"index\":0,\"productId\":\"5ac1bfd5040ab15980c9b435\",\"emojiId\":\"001\"}]}]}";
        Http.Res r = http.post("/v2/bot/message/push", body);
        lineShape(r, 400);
        assertThat(r.json().path("details").get(0).path("property").asText()).isEqualTo("messages[0].emojis[0].index");
        Http.Res ok = http.post("/v2/bot/message/push", body.replace("\"index\":0", "\"index\":2"));
        assertThat(ok.status()).isEqualTo(200);
    }

    @Test
    void unknownMessageTypeAndBadRecipient() {
        Http.Res r = http.post("/v2/bot/message/push", "{\"to\":\"U" + "0".repeat(32) + "\",\"messages\":[{\"type\":\"hologram\"}]}");
        lineShape(r, 400);
        assertThat(r.json().path("details").get(0).path("property").asText()).isEqualTo("messages[0].type");
        Http.Res to = http.post("/v2/bot/message/push", "{\"to\":\"nobody\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}");
        lineShape(to, 400);
        assertThat(to.json().path("message").asText()).isEqualTo("The property, to, in the request body is invalid (line: -, column: -)");
    }

    @Test
    void retryKeyOnOtherEndpointsIs400AndMalformedKeyIs400() {
        Http.Res r = http.post("/v2/bot/message/reply", "{\"replyToken\":\"x\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}",
                Map.of("X-Line-Retry-Key", "123e4567-e89b-12d3-a456-426614174000",
                        "Authorization", "Bearer " + emulator.defaultChannel().accessToken()));
        lineShape(r, 400);
        Http.Res bad = http.post("/v2/bot/message/push", "{\"to\":\"U" + "0".repeat(32) + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}",
                Map.of("X-Line-Retry-Key", "not-a-uuid", "Authorization", "Bearer " + emulator.defaultChannel().accessToken()));
        lineShape(bad, 400);
    }

    @Test
    void requestsAreCheckedAgainstTheOpenApiSpec() {
        // notificationDisabled is a boolean in messaging-api.yml; nothing but the spec says so.
        Http.Res r = http.post("/v2/bot/message/push", "{\"to\":\"U" + "0".repeat(32)
                + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}],\"notificationDisabled\":\"yes\"}");
        lineShape(r, 400);
        assertThat(r.json().path("message").asText()).isEqualTo("The request body has 1 error(s)");
        assertThat(r.json().path("details").get(0).path("property").asText()).isEqualTo("notificationDisabled");
        // a sticker without its ids
        Http.Res sticker = http.post("/v2/bot/message/validate/push", "{\"messages\":[{\"type\":\"sticker\"}]}");
        lineShape(sticker, 400);
        assertThat(sticker.json().path("details").findValuesAsText("property")).contains("messages[0].packageId");
    }
}
