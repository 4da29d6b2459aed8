package io.linegate.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The emulator's control API (it plays LINE's users), as the kit uses it. */
final class ControlClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    ControlClient(String emulatorBase) {
        this.base = emulatorBase + "/control/v1";
    }

    JsonNode post(String path, ObjectNode body) {
        return call("POST", path, body == null ? "{}" : body.toString());
    }

    JsonNode put(String path, ObjectNode body) {
        return call("PUT", path, body.toString());
    }

    JsonNode get(String path) {
        return call("GET", path, null);
    }

    static ObjectNode object() {
        return Json.mapper().createObjectNode();
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JsonNode call(String method, String path, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("the emulator's control API did not answer " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the emulator", e);
        }
        if (res.statusCode() / 100 != 2) {
            throw new IllegalStateException("the emulator refused " + method + " " + path + " with " + res.statusCode() + ": "
                    + res.body());
        }
        try {
            return res.body().isEmpty() ? object() : Json.mapper().readTree(res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
