package io.linegate.emulator.login;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.QueryParams;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.User;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The LINE Login API of {@code api.line.me} (LINE Login v2.1 API reference): the code and refresh grants,
 * access-token verify and revoke (paths shared with channel access tokens, dispatched by
 * the Messaging API adapter's {@code OAuthApi}), ID-token verify, userinfo, profile, friendship,
 * deauthorize, the JWKS and the OpenID provider configuration.
 */
public final class LoginApi {
    /** RFC 7636 §4.1, as LINE states it (§5.3): 43-128 characters of [A-Za-z0-9-._~]. */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    private final LineLogin login;

    LoginApi(LineLogin login) {
        this.login = login;
    }

    void register(Router r) {
        r.on(POST, "/oauth2/v2.1/verify").noAuth().limit(Limit.NONE).to(c -> verifyIdToken(c.form(), c.now()));
        r.on(GET, "/oauth2/v2.1/userinfo").noAuth().limit(Limit.NONE).to(this::userinfo);
        r.on(POST, "/oauth2/v2.1/userinfo").noAuth().limit(Limit.NONE).to(this::userinfo);
        r.on(GET, "/v2/profile").noAuth().limit(Limit.NONE).to(this::profile);
        r.on(GET, "/friendship/v1/status").noAuth().limit(Limit.NONE).to(this::friendship);
        r.on(POST, "/user/v1/deauthorize").noAuth().limit(Limit.NONE).to(this::deauthorize);
        r.on(GET, "/oauth2/v2.1/certs").noAuth().limit(Limit.NONE).to(c -> Reply.ok(json(login.idTokens().publicKeys().toString(true))));
        r.on(GET, "/.well-known/openid-configuration").noAuth().limit(Limit.NONE).to(this::openidConfiguration);
    }

    // ---- the shared OAuth paths --------------------------------------------------------------

    /** Whether {@code POST /oauth2/v2.1/token} with this grant type is LINE Login's (else a channel token's). */
    public boolean handlesGrant(String grantType) {
        return "authorization_code".equals(grantType) || "refresh_token".equals(grantType);
    }

    /** Whether {@code value} is a user's access token (verify and revoke dispatch on the kind of token). */
    public boolean isUserToken(String value) {
        return login.tokens().access(value) != null;
    }

    public Reply token(QueryParams form, Instant now) {
        return "refresh_token".equals(form.get("grant_type")) ? refresh(form, now) : authorizationCode(form, now);
    }

    /**
     * The code grant. Error bodies are UNCONFIRMED (§5.3, §11): the reference lists none; these are
     * RFC 6749's ({@code 400 invalid_grant}, {@code 401 invalid_client}).
     */
    private Reply authorizationCode(QueryParams form, Instant now) {
        LoginTokens.Code code = login.tokens().takeCode(form.get("code")); // used up by any attempt (§5.2)
        LoginChannel ch = client(form, true);
        String redirectUri = form.get("redirect_uri");
        if (form.get("code") == null || redirectUri == null) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "code and redirect_uri are required");
        }
        if (code == null || !code.channelId().equals(ch.channelId())) {
            throw invalidGrant("invalid authorization code");
        }
        if (!now.isBefore(code.expiresAt())) {
            throw invalidGrant("authorization code expired");
        }
        if (!code.redirectUri().equals(redirectUri)) {
            throw invalidGrant("redirect_uri does not match");
        }
        String verifier = form.get("code_verifier");
        if (code.codeChallenge() == null && verifier != null) {
            // A PKCE downgrade (RFC 9700, section 2.1.1: a verifier is accepted only if the authorization
            // request had a challenge). UNCONFIRMED: LINE's "PKCE support for LINE Login" does not say;
            // the stricter answer is the one a client under test should be ready for.
            throw invalidGrant("code_verifier given but the authorization request had no code_challenge");
        }
        if (code.codeChallenge() != null) {
            if (verifier == null || !VERIFIER.matcher(verifier).matches()) {
                throw invalidGrant("invalid code_verifier");
            }
            if (!s256(verifier).equals(code.codeChallenge())) {
                throw invalidGrant("code_verifier does not match code_challenge");
            }
        }
        LoginTokens.Access a = login.tokens().issueWithRefresh(ch.channelId(), code.userId(), code.scopes(), now);
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("access_token", LoginTokens.value(a));
        b.put("expires_in", LoginTokens.ACCESS.toSeconds());
        if (code.scopes().contains("openid")) {
            b.put("id_token", login.idTokens().hs256(ch, login.claims(ch, code.userId(), code.scopes(), code.nonce(),
                    code.authTime(), now, LoginTokens.WEB_ID_TOKEN)));
        }
        b.put("refresh_token", LoginTokens.value(a.refresh));
        b.put("scope", scope(code.scopes()));
        b.put("token_type", "Bearer");
        return Reply.ok(b);
    }

    /** The refresh grant (§5.3): the same refresh token comes back, its expiry unchanged. */
    private Reply refresh(QueryParams form, Instant now) {
        LoginChannel ch = client(form, false);
        LoginTokens.Refresh r = login.tokens().refresh(form.get("refresh_token"));
        if (r == null || !r.valid(now) || !r.channelId.equals(ch.channelId())) {
            throw invalidGrant("invalid refresh token");
        }
        // UNCONFIRMED: whether refreshing invalidates the previous access token; it stays valid here.
        LoginTokens.Access a = login.tokens().refreshed(r, now);
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("token_type", "Bearer");
        b.put("scope", scope(r.scopes));
        b.put("access_token", LoginTokens.value(a));
        b.put("expires_in", LoginTokens.ACCESS.toSeconds());
        b.put("refresh_token", LoginTokens.value(r));
        return Reply.ok(b);
    }

    /** {@code GET /oauth2/v2.1/verify} for a user's access token (§5.4). */
    public Reply verifyAccessToken(String value, Instant now) {
        LoginTokens.Access a = login.tokens().access(value);
        if (a.revoked()) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "The access token revoked");
        }
        if (!now.isBefore(a.expiresAt())) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "The access token expired");
        }
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("scope", scope(a.scopes()));
        b.put("client_id", a.channelId());
        b.put("expires_in", Duration.between(now, a.expiresAt()).toSeconds());
        return Reply.ok(b);
    }

    /** {@code POST /oauth2/v2.1/revoke} for a user's access token: 200 and an empty body, even for another channel's token. */
    public Reply revoke(QueryParams form) {
        LoginChannel ch = client(form, false);
        LoginTokens.Access a = login.tokens().access(form.get("access_token"));
        if (a != null && a.channelId().equals(ch.channelId())) {
            login.tokens().revoke(a);
        }
        return Reply.emptyBody();
    }

    private Reply verifyIdToken(QueryParams form, Instant now) {
        return Reply.ok(login.idTokens().verify(form.get("id_token"), form.get("client_id"), form.get("nonce"),
                form.get("user_id"), now, login::channel));
    }

    /**
     * The Login channel named by client_id. The secret is checked when the grant needs it: always for
     * the code grant, and for refresh and revoke only on web-only channels (§5.3). UNCONFIRMED: 401
     * {@code invalid_client} (RFC 6749 §5.2) for an unknown client or a wrong secret.
     */
    private LoginChannel client(QueryParams form, boolean secretAlways) {
        LoginChannel ch = login.channel(form.get("client_id"));
        if (ch == null) {
            throw ApiException.oauth(HttpStatus.UNAUTHORIZED, "invalid_client", "invalid client_id");
        }
        if ((secretAlways || ch.webOnly()) && !ch.secret().matches(form.get("client_secret"))) {
            throw ApiException.oauth(HttpStatus.UNAUTHORIZED, "invalid_client", "invalid client_secret");
        }
        return ch;
    }

    // ---- APIs called with a user's access token -----------------------------------------------

    private Reply userinfo(Call c) {
        LoginTokens.Access a = bearer(c, "openid", true);
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("sub", a.userId());
        User u = login.platform().state().users().get(a.userId());
        if (a.scopes().contains("profile") && u != null) {
            b.put("name", u.displayName());
            if (u.pictureUrl() != null) {
                b.put("picture", u.pictureUrl());
            }
        }
        return Reply.ok(b);
    }

    private Reply profile(Call c) {
        LoginTokens.Access a = bearer(c, "profile", false);
        User u = login.platform().state().users().get(a.userId());
        if (u == null) {
            throw ApiException.notFound();
        }
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("userId", u.userId());
        b.put("displayName", u.displayName());
        if (u.pictureUrl() != null) {
            b.put("pictureUrl", u.pictureUrl());
        }
        if (u.statusMessage() != null) {
            b.put("statusMessage", u.statusMessage());
        }
        return Reply.ok(b);
    }

    /** {@code friendFlag}: a friend of the linked LINE Official Account and not blocking it. No linked account: false. */
    private Reply friendship(Call c) {
        LoginTokens.Access a = bearer(c, "profile", false);
        LoginChannel ch = login.channel(a.channelId());
        Channel bot = ch == null ? null : login.platform().state().channel(ch.linkedBotChannelId());
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("friendFlag", bot != null && bot.isFriend(a.userId()));
        return Reply.ok(b);
    }

    /**
     * The user's valid access token in the Authorization header, with {@code scope}. UNCONFIRMED bodies
     * (the reference gives only the statuses): 401 for a missing, unknown, expired or revoked token,
     * 403 without the scope; userinfo answers in OAuth's shape, the others in LINE's.
     */
    private LoginTokens.Access bearer(Call c, String scope, boolean oauthShape) {
        String h = c.header("authorization");
        LoginTokens.Access a = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)
                ? login.tokens().access(h.substring(7).strip()) : null;
        if (a == null || !a.valid(c.now())) {
            throw oauthShape ? ApiException.oauth(HttpStatus.UNAUTHORIZED, "invalid_token", "The access token is invalid")
                    : ApiException.line(HttpStatus.UNAUTHORIZED, "invalid token");
        }
        if (!a.scopes().contains(scope)) {
            throw oauthShape ? ApiException.oauth(HttpStatus.FORBIDDEN, "insufficient_scope", "The " + scope + " scope is required")
                    : ApiException.line(HttpStatus.FORBIDDEN, "The " + scope + " scope is required");
        }
        return a;
    }

    /**
     * {@code POST /user/v1/deauthorize} (§5.4): the Login channel's own v2.1 or stateless channel
     * access token; revokes the user's tokens and consent for that channel.
     */
    private Reply deauthorize(Call c) {
        String h = c.header("authorization");
        String owner = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)
                ? login.channelTokens().v21OrStatelessOwner(h.substring(7).strip(), c.now()) : null;
        LoginChannel ch = login.channel(owner);
        if (ch == null) {
            throw ApiException.line(HttpStatus.UNAUTHORIZED,
                    "Authentication failed. Confirm that the access token in the authorization header is valid.");
        }
        JsonNode body = c.jsonObject();
        LoginTokens.Access a = login.tokens().access(body.path("userAccessToken").asText(null));
        if (a == null || !a.valid(c.now()) || !a.channelId().equals(ch.channelId())) {
            throw ApiException.badRequest("invalid token");
        }
        login.tokens().revokeAll(ch.channelId(), a.userId());
        ch.withdraw(a.userId());
        return Reply.bytes(HttpStatus.NO_CONTENT, null, new byte[0]);
    }

    // ---- discovery ----------------------------------------------------------------------------

    /** As the platform publishes it, with the endpoints on this emulator (the host the client used). */
    private Reply openidConfiguration(Call c) {
        String authority = c.request().headers().authority();
        String base = "http://" + (authority != null ? authority : "127.0.0.1:" + ((java.net.InetSocketAddress) c.ctx().localAddress()).getPort());
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("issuer", IdTokens.ISSUER);
        b.put("authorization_endpoint", base + "/oauth2/v2.1/authorize");
        b.put("token_endpoint", base + "/oauth2/v2.1/token");
        b.put("revocation_endpoint", base + "/oauth2/v2.1/revoke");
        b.put("userinfo_endpoint", base + "/oauth2/v2.1/userinfo");
        b.put("jwks_uri", base + "/oauth2/v2.1/certs");
        strings(b.putArray("scopes_supported"), "openid", "email", "profile");
        strings(b.putArray("response_types_supported"), "code");
        strings(b.putArray("subject_types_supported"), "pairwise");
        strings(b.putArray("id_token_signing_alg_values_supported"), "ES256", "HS256");
        strings(b.putArray("code_challenge_methods_supported"), "S256");
        strings(b.putArray("token_endpoint_auth_methods_supported"), "client_secret_post");
        return Reply.ok(b);
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** The scope as the token endpoint reports it: never {@code email}, even when granted (§5.3). */
    static String scope(List<String> scopes) {
        return scopes.stream().filter(s -> !s.equals("email")).collect(Collectors.joining(" "));
    }

    static String s256(String verifier) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiException invalidGrant(String description) {
        return ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_grant", description);
    }

    private static void strings(ArrayNode a, String... values) {
        for (String v : values) {
            a.add(v);
        }
    }

    private static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
