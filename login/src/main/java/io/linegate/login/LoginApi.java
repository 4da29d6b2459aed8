package io.linegate.login;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * LINE Login's server-to-server endpoints (LINE Login v2.1 API reference) for one LINE Login channel: the code
 * exchange, refresh, revoke, access-token and ID-token verification, profile, friendship status and
 * deauthorize.
 *
 * <p>Tokens travel as plain strings in {@link LoginTokens} rather than as {@link Secret}s on purpose:
 * a site holds one set per member, and {@code Secret} registers every value with the log redactor for
 * the life of the process. Nothing here logs a token, and no exception message contains one: errors
 * carry LINE's {@code error} and {@code error_description} only.
 */
public final class LoginApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final URI apiBase;
    private final String channelId;
    private final Secret channelSecret;
    private final HttpClient http;

    /** {@code apiBase} is {@code https://api.line.me}, or the emulator's URL. */
    public LoginApi(URI apiBase, String channelId, Secret channelSecret) {
        this.apiBase = URI.create(apiBase.toString().replaceAll("/+$", "") + "/");
        this.channelId = channelId;
        this.channelSecret = channelSecret;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String channelId() {
        return channelId;
    }

    /** The tokens of one login. {@code idToken} is present only when {@code openid} was requested. */
    public record LoginTokens(String accessToken, long expiresIn, String idToken, String refreshToken, String scope) {
        @Override
        public String toString() {
            return "LoginTokens[scope=" + scope + ", expiresIn=" + expiresIn + ", idToken=" + (idToken != null) + "]";
        }
    }

    /** What {@code GET /oauth2/v2.1/verify} says of an access token that LINE accepts. */
    public record AccessTokenInfo(String scope, String clientId, long expiresIn) {}

    /** {@code GET /v2/profile}. */
    public record Profile(String userId, String displayName, String pictureUrl, String statusMessage) {}

    /**
     * Exchanges the authorization code of a callback that {@link LoginFlow#callback} accepted, with
     * exactly the {@code redirect_uri} of the authorization request and the PKCE verifier. A code is
     * good for one exchange only (LINE refuses a second), and the flow hands out each code once.
     */
    public LoginTokens exchange(LoginFlow.Authorized authorized) throws IOException, LoginApiException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", authorized.code());
        form.put("redirect_uri", authorized.redirectUri());
        form.put("client_id", channelId);
        form.put("client_secret", channelSecret.reveal());
        form.put("code_verifier", authorized.codeVerifier());
        return tokens(post("oauth2/v2.1/token", form));
    }

    /** A new access token; LINE returns the same refresh token, which keeps its original expiry. */
    public LoginTokens refresh(String refreshToken) throws IOException, LoginApiException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", channelId);
        form.put("client_secret", channelSecret.reveal());
        return tokens(post("oauth2/v2.1/token", form));
    }

    /** Logs the user out of this channel: the access token (and its refresh token) stop working. */
    public void revoke(String accessToken) throws IOException, LoginApiException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("access_token", accessToken);
        form.put("client_id", channelId);
        form.put("client_secret", channelSecret.reveal());
        post("oauth2/v2.1/revoke", form);
    }

    /**
     * Verifies an access token a client sent (a LIFF app's, or a native app's): LINE must know it,
     * it must have been issued to <em>this</em> channel and it must not have expired (§5.4, §7). A
     * token of another channel is refused, however valid: it proves nothing about our user.
     */
    public AccessTokenInfo verifyAccessToken(String accessToken) throws IOException, LoginApiException {
        JsonNode b = send(HttpRequest.newBuilder(resolve("oauth2/v2.1/verify?access_token=" + encode(accessToken))).GET());
        AccessTokenInfo info = new AccessTokenInfo(b.path("scope").asText(""), b.path("client_id").asText(""),
                b.path("expires_in").asLong(0));
        if (!channelId.equals(info.clientId())) {
            throw new LoginApiException(200, "invalid_client", "the access token was issued to another channel");
        }
        if (info.expiresIn() <= 0) {
            throw new LoginApiException(200, "invalid_request", "the access token expired");
        }
        return info;
    }

    /**
     * Verifies an ID token with LINE's verify endpoint instead of locally ({@link IdTokenVerifier}
     * does it without a round trip). {@code nonce} may be null where the flow has none.
     */
    public IdToken verifyIdTokenAtLine(String idToken, String nonce) throws IOException, LoginApiException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("id_token", idToken);
        form.put("client_id", channelId);
        if (nonce != null) {
            form.put("nonce", nonce);
        }
        JsonNode b = post("oauth2/v2.1/verify", form);
        List<String> amr = new ArrayList<>();
        b.path("amr").forEach(m -> amr.add(m.asText()));
        return new IdToken(b.path("sub").asText(), b.path("aud").asText(), Instant.ofEpochSecond(b.path("iat").asLong()),
                Instant.ofEpochSecond(b.path("exp").asLong()), text(b, "nonce"), List.copyOf(amr),
                text(b, "name"), text(b, "picture"), text(b, "email"));
    }

    /** The user's profile; the token needs the {@code profile} scope. */
    public Profile profile(String accessToken) throws IOException, LoginApiException {
        JsonNode b = send(HttpRequest.newBuilder(resolve("v2/profile")).header("Authorization", "Bearer " + accessToken).GET());
        return new Profile(b.path("userId").asText(), b.path("displayName").asText(""), text(b, "pictureUrl"),
                text(b, "statusMessage"));
    }

    /** Whether the user is a friend of the channel's linked LINE Official Account and has not blocked it. */
    public boolean isFriend(String accessToken) throws IOException, LoginApiException {
        return send(HttpRequest.newBuilder(resolve("friendship/v1/status")).header("Authorization", "Bearer " + accessToken).GET())
                .path("friendFlag").asBoolean(false);
    }

    /**
     * Withdraws the permissions the user granted this channel: required when a member unregisters
     * (Login guidelines). {@code channelAccessToken} is a v2.1 or stateless token of this Login channel.
     */
    public void deauthorize(Secret channelAccessToken, String userAccessToken) throws IOException, LoginApiException {
        String body = Json.mapper().createObjectNode().put("userAccessToken", userAccessToken).toString();
        send(HttpRequest.newBuilder(resolve("user/v1/deauthorize"))
                .header("Authorization", "Bearer " + channelAccessToken.reveal())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static LoginTokens tokens(JsonNode b) {
        return new LoginTokens(b.path("access_token").asText(), b.path("expires_in").asLong(), text(b, "id_token"),
                text(b, "refresh_token"), b.path("scope").asText(""));
    }

    private JsonNode post(String path, Map<String, String> form) throws IOException, LoginApiException {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, LoginApiException {
        HttpResponse<String> res;
        try {
            res = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted calling LINE Login");
        }
        JsonNode body = res.body().isBlank() ? Json.mapper().createObjectNode() : parse(res);
        if (res.statusCode() / 100 != 2) {
            // Login endpoints answer {"error","error_description"}; deauthorize answers {"message"}.
            String error = body.path("error").asText(body.has("message") ? "error" : "http_" + res.statusCode());
            String description = body.path("error_description").asText(body.path("message").asText(""));
            throw new LoginApiException(res.statusCode(), error, description);
        }
        return body;
    }

    private static JsonNode parse(HttpResponse<String> res) throws LoginApiException {
        try {
            return Json.mapper().readTree(res.body());
        } catch (IOException e) {
            throw new LoginApiException(res.statusCode(), "invalid_response", "LINE's answer is not JSON");
        }
    }

    private URI resolve(String path) {
        return apiBase.resolve(path);
    }

    private static String text(JsonNode b, String field) {
        return b.hasNonNull(field) ? b.get(field).asText() : null;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
