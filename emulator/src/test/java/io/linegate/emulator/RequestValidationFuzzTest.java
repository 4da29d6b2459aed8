package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

/**
 * The emulator's request validation against any body on the sending endpoints (the seed corpus runs
 * in every build; {@code JAZZER_FUZZ=1} fuzzes, see docs/fuzzing.md): whatever a client sends, the
 * answer is a success or a 4xx in LINE's error shape, never a 5xx and never a hang.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RequestValidationFuzzTest {
    static final String[] ENDPOINTS = {"/v2/bot/message/push", "/v2/bot/message/reply", "/v2/bot/message/multicast",
        "/v2/bot/message/broadcast", "/v2/bot/message/narrowcast", "/v2/bot/message/validate/push"};
    static Emulator emulator;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static synchronized Emulator emulator() {
        if (emulator == null) {
            emulator = Emulator.builder().port(0).rateLimits(false).start();
        }
        return emulator;
    }

    @AfterAll
    static void stop() {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyBodyOnTheSendingEndpointsIsAnsweredWithoutA5xx(FuzzedDataProvider data) throws Exception {
        Emulator e = emulator();
        String endpoint = ENDPOINTS[data.consumeInt(0, ENDPOINTS.length - 1)];
        String contentType = data.consumeBoolean() ? "application/json" : data.consumeString(40);
        byte[] body = data.consumeRemainingAsBytes();
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(e.baseUrl() + endpoint))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + e.defaultChannel().accessToken())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            req.header("Content-Type", contentType);
        } catch (IllegalArgumentException notAHeaderValue) {
            req.header("Content-Type", "application/json");
        }
        HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as("%s %s -> %s", endpoint, new String(body, java.nio.charset.StandardCharsets.UTF_8),
                res.body()).isLessThan(500);
        if (res.statusCode() >= 400) {
            JsonNode error = Json.mapper().readTree(res.body());
            assertThat(error.path("message").isTextual()).as(res.body()).isTrue();
        }
    }
}
