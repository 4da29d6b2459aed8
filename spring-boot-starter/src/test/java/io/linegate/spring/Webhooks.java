package io.linegate.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** Signed webhooks as LINE sends them, the emulator's control API, and plain HTTP calls, for the starter's tests. */
final class Webhooks {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Webhooks() {}

    /** A webhook body with one text message event from {@code userId}. */
    static byte[] text(String userId, String text) {
        return text(userId, text, UUID.randomUUID().toString().replace("-", "").toUpperCase());
    }

    static byte[] text(String userId, String text, String webhookEventId) {
        ObjectNode body = JSON.createObjectNode().put("destination", "Ubot0000000000000000000000000000");
        ObjectNode e = body.putArray("events").addObject();
        e.put("type", "message").put("mode", "active").put("timestamp", System.currentTimeMillis())
                .put("webhookEventId", webhookEventId).put("replyToken", UUID.randomUUID().toString().replace("-", ""));
        e.putObject("source").put("type", "user").put("userId", userId);
        e.putObject("deliveryContext").put("isRedelivery", false);
        e.putObject("message").put("id", String.valueOf(System.nanoTime())).put("type", "text").put("quoteToken", "q")
                .put("text", text);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    static HttpResponse<String> post(String url, byte[] body, String signature) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            b.header(WebhookSignature.HEADER, signature);
        }
        return send(b.build());
    }

    static HttpResponse<String> signedPost(String url, byte[] body, String secret) {
        return post(url, body, WebhookSignature.sign(Secret.of(secret, "secret"), body));
    }

    static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build());
    }

    static HttpResponse<String> send(HttpRequest req) {
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(req.method() + " " + req.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The emulator's control API (users, their messages, their inboxes). */
    static JsonNode control(String emulator, String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator + "/control/v1" + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        HttpResponse<String> res = send(b.build());
        if (res.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + res.statusCode() + ": " + res.body());
        }
        try {
            return res.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(res.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + res.body(), e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
