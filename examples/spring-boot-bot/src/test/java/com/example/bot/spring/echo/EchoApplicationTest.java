package com.example.bot.spring.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linegate.emulator.Emulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The moved sample against the emulator: a LINE user says something and gets it back as a reply. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EchoApplicationTest {
    static final Emulator LINE = Emulator.builder().port(0).start();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void channel(DynamicPropertyRegistry r) throws Exception {
        String store = "sqlite:" + Files.createTempDirectory("echo-bot");
        r.add("line.bot.channel-secret", () -> LINE.defaultChannel().channelSecret());
        r.add("line.bot.api-end-point", LINE::baseUrl);
        r.add("linegate.channel-id", () -> LINE.defaultChannel().channelId());
        r.add("linegate.store", () -> store);
        // The warm-up is the starter's own tests' subject; here it would only hold the start for up to 20 s.
        r.add("linegate.warm-up", () -> "0s");
    }

    @Value("${local.server.port}")
    int port;

    @AfterAll
    static void stop() {
        LINE.close();
    }

    @Test
    void aUserGetsTheirTextBackAsAReply() throws Exception {
        control("PUT", "/channels/" + LINE.defaultChannel().channelId() + "/settings",
                "{\"webhookUrl\":\"http://127.0.0.1:" + port + "/callback\",\"webhookActive\":true,\"greeting\":false,\"autoReply\":false}");
        String user = control("POST", "/users", "{\"displayName\":\"Sample User\"}").path("userId").asText();
        control("POST", "/users/" + user + "/follow", "{}");

        control("POST", "/users/" + user + "/messages", "{\"type\":\"text\",\"text\":\"Hello from the sample\"}");

        await().atMost(Duration.ofSeconds(20)).until(() -> control("GET", "/users/" + user + "/inbox", null)
                .path("messages").size() == 1);
        JsonNode reply = control("GET", "/users/" + user + "/inbox", null).path("messages").get(0);
        assertThat(reply.path("via").asText()).isEqualTo("reply");
        assertThat(reply.path("message").path("text").asText()).isEqualTo("Hello from the sample");
    }

    private static JsonNode control(String method, String path, String body) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(LINE.baseUrl() + "/control/v1" + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(method + " " + path + ": " + res.body()).isBetween(200, 299);
        return res.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(res.body());
    }
}
