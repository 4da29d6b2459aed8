package io.linegate.bench.sending;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The emulator's control API and the few Messaging API reads the benchmarks check against. */
final class ControlApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    ControlApi(String baseUrl, String accessToken) {
        this.base = baseUrl;
        this.token = accessToken;
    }

    JsonNode post(String path, String json, Duration timeout) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    void delete(String path) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).DELETE().build());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET();
        if (path.startsWith("/v2/")) {
            b.header("authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    private JsonNode send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) {
            throw new IOException(r.method() + " " + r.uri().getPath() + " answered " + res.statusCode() + ": " + res.body());
        }
        return res.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(res.body());
    }

    /** A new user who is already a friend of the default channel (one follow event each). */
    String friend(int i) throws IOException, InterruptedException {
        String id = post("/control/v1/users", "{\"displayName\":\"bench " + i + "\"}", Duration.ofSeconds(30))
                .path("userId").asText();
        post("/control/v1/users/" + id + "/follow", "{}", Duration.ofSeconds(30));
        return id;
    }

    /** Messages charged to the channel's monthly quota: one per push that reached a friend (emulator side). */
    long consumption() throws IOException, InterruptedException {
        return get("/v2/bot/message/quota/consumption").path("totalUsage").asLong();
    }
}
