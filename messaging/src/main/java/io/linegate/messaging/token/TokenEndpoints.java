package io.linegate.messaging.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The channel access token endpoints (Messaging API reference, "Channel access token"). The SDK's token client is not available
 * here, so these are plain form posts. Error bodies are reported by status and OAuth error code
 * only; they never echo what was sent.
 */
final class TokenEndpoints {
    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    record Issued(String accessToken, long expiresInSeconds, String keyId) {
        @Override
        public String toString() {
            return "Issued[expiresIn=" + expiresInSeconds + ", keyId=" + keyId + "]";
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TokenEndpoints(URI base) {
        this.base = base;
    }

    Issued shortLived(String channelId, String channelSecret) throws IOException {
        return issued(post("/v2/oauth/accessToken", form("grant_type", "client_credentials", "client_id", channelId,
                "client_secret", channelSecret)));
    }

    Issued stateless(String channelId, String channelSecret) throws IOException {
        return issued(post("/oauth2/v3/token", form("grant_type", "client_credentials", "client_id", channelId,
                "client_secret", channelSecret)));
    }

    Issued v21(String assertion) throws IOException {
        return issued(post("/oauth2/v2.1/token", form("grant_type", "client_credentials",
                "client_assertion_type", ASSERTION_TYPE, "client_assertion", assertion)));
    }

    List<String> v21KeyIds(String assertion) throws IOException {
        JsonNode body = send(HttpRequest.newBuilder(base.resolve("/oauth2/v2.1/tokens/kid?"
                + form("client_assertion_type", ASSERTION_TYPE, "client_assertion", assertion))).GET());
        List<String> kids = new ArrayList<>();
        body.path("kids").forEach(k -> kids.add(k.asText()));
        return kids;
    }

    void revokeShortLived(String token) throws IOException {
        post("/v2/oauth/revoke", form("access_token", token));
    }

    void revokeV21(String channelId, String channelSecret, String token) throws IOException {
        post("/oauth2/v2.1/revoke", form("client_id", channelId, "client_secret", channelSecret, "access_token", token));
    }

    private JsonNode post(String path, String form) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException {
        HttpResponse<String> res;
        try {
            res = http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted calling the token endpoint");
        }
        JsonNode body = res.body() == null || res.body().isBlank() ? Json.mapper().createObjectNode()
                : Json.mapper().readTree(res.body());
        if (res.statusCode() / 100 != 2) {
            String code = body.path("error").asText(body.path("message").asText(""));
            String description = body.path("error_description").asText("");
            throw new IOException("token endpoint " + request.build().uri().getPath() + " answered " + res.statusCode()
                    + (code.isEmpty() ? "" : " " + code) + (description.isEmpty() ? "" : ": " + description));
        }
        return body;
    }

    private static Issued issued(JsonNode body) throws IOException {
        String token = body.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new IOException("token endpoint answered without an access_token");
        }
        return new Issued(token, body.path("expires_in").asLong(0), body.path("key_id").asText(null));
    }

    private static String form(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
