package io.linegate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A plain HTTP client for tests: exact bytes and headers, nothing hidden. */
final class Http {
    record Res(int status, JsonNode json, String body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    Http(String base, String token) {
        this.base = base;
        this.token = token;
    }

    Res get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), true);
    }

    Res post(String path, String json) {
        return post(path, json, Map.of());
    }

    Res post(String path, String json, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        return send(b, !headers.containsKey("Authorization"));
    }

    Res put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)), true);
    }

    Res delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), true);
    }

    /** A multipart/form-data request: text fields, then one file part named {@code file} (text/plain). */
    Res multipart(String method, String path, Map<String, String> fields, String fileName, byte[] file) {
        String boundary = "----linegate" + Long.toHexString(System.nanoTime());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Charset utf8 = StandardCharsets.UTF_8;
        fields.forEach((k, v) -> out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k
                + "\"\r\n\r\n" + v + "\r\n").getBytes(utf8)));
        if (file != null) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(utf8));
            out.writeBytes(file);
            out.writeBytes("\r\n".getBytes(utf8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(utf8));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())), true, Duration.ofSeconds(60));
    }

    Res form(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), false);
    }

    Res send(HttpRequest.Builder b, boolean auth) {
        return send(b, auth, Duration.ofSeconds(10));
    }

    Res send(HttpRequest.Builder b, boolean auth, Duration timeout) {
        if (auth && token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.timeout(timeout);
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isEmpty() ? null : Json.mapper().readTree(r.body());
            } catch (IOException e) {
                // not JSON
            }
            return new Res(r.statusCode(), json, r.body(), r);
        } catch (IOException | InterruptedException e) {
            throw new RuntimeException(e);
        }
    }
}
