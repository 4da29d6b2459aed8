package io.linegate.emulator.domain;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.QueryParams;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.linegate.core.Secret;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channel access tokens, all four types with their lifetimes and issuance limits (Messaging API docs, "Channel access token"):
 * <ul>
 *   <li>long-lived: no expiry, one per channel, reissue invalidates the previous one;</li>
 *   <li>short-lived: 30 days, 30 per channel, issuing a 31st revokes the oldest;</li>
 *   <li>v2.1: by RS256 JWT assertion, {@code token_exp} up to 30 days, 30 per channel then 400;</li>
 *   <li>stateless: 15 minutes, unlimited, not revocable, so not stored at all: they are JWS that the
 *   emulator verifies with its own key.</li>
 * </ul>
 * LINE Login channels issue channel access tokens too (§4.1: short-lived for the LIFF Server API,
 * v2.1 and stateless for {@code /user/v1/deauthorize}); they are registered as clients here, but
 * their tokens never authenticate Messaging API calls, because they have no bot.
 */
public final class TokenService {
    public enum Type { LONG_LIVED, SHORT_LIVED, V2_1, STATELESS }

    public static final Duration SHORT_LIVED = Duration.ofDays(30);
    public static final Duration STATELESS = Duration.ofMinutes(15);
    public static final Duration MAX_V21 = Duration.ofDays(30);
    public static final Duration MAX_ASSERTION = Duration.ofMinutes(30);
    public static final int MAX_SHORT_LIVED = 30;
    public static final int MAX_V21_TOKENS = 30;
    public static final String AUDIENCE = "https://api.line.me/";
    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final String AUTH_FAILED = "Authentication failed. Confirm that the access token in the authorization header is valid.";
    private static final String AUTH_MISSING = "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** An issued token. Never printed with its value. */
    public static final class Token {
        final String value;
        final String channelId;
        final Type type;
        final Instant expiresAt; // null: never
        final String keyId;
        volatile boolean revoked;

        Token(String value, String channelId, Type type, Instant expiresAt, String keyId) {
            this.value = value;
            this.channelId = channelId;
            this.type = type;
            this.expiresAt = expiresAt;
            this.keyId = keyId;
        }

        boolean valid(Instant now) {
            return !revoked && (expiresAt == null || now.isBefore(expiresAt));
        }

        @Override
        public String toString() {
            return "Token[" + type + ", channel " + channelId + "]";
        }
    }

    /** Who may ask for channel access tokens: a Messaging API channel or a LINE Login channel. */
    private record Client(String channelId, Secret secret, Map<String, RSAKey> assertionKeys) {}

    private final EmulatorState state;
    private final Map<String, Client> loginClients = new ConcurrentHashMap<>();
    private final Map<String, Token> byValue = new ConcurrentHashMap<>();
    private final Map<String, Deque<Token>> shortLived = new ConcurrentHashMap<>();
    private final Map<String, Deque<Token>> v21 = new ConcurrentHashMap<>();
    private final Map<String, Token> longLived = new ConcurrentHashMap<>();
    private final byte[] jwsKey = new byte[32];
    private final MACSigner signer;
    private final MACVerifier verifier;

    /** Called after a token is issued or revoked or a key registered: what {@code --state} keeps changed. */
    private volatile Runnable onChange = () -> { };

    public TokenService(EmulatorState state) {
        this(state, null);
    }

    /**
     * @param savedJwsKey the key that signed the v2.1 and stateless tokens of an earlier run (kept by
     *     {@code --state}), or null for a new one
     */
    public TokenService(EmulatorState state, byte[] savedJwsKey) {
        this.state = state;
        if (savedJwsKey != null && savedJwsKey.length == jwsKey.length) {
            System.arraycopy(savedJwsKey, 0, jwsKey, 0, jwsKey.length);
        } else {
            new SecureRandom().nextBytes(jwsKey);
        }
        try {
            signer = new MACSigner(jwsKey);
            verifier = new MACVerifier(jwsKey);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- authentication of API calls -------------------------------------------------------

    /** The channel whose valid token is in {@code authorization}, or a 401 in LINE's shape. */
    public Channel authenticate(String authorization, Instant now) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.line(HttpStatus.UNAUTHORIZED, AUTH_MISSING);
        }
        String value = authorization.substring(7).strip();
        Channel c = channelOf(value, now);
        if (c == null) {
            throw ApiException.line(HttpStatus.UNAUTHORIZED, AUTH_FAILED);
        }
        return c;
    }

    /** The channel of a valid token, else null. */
    public Channel channelOf(String value, Instant now) {
        if (value.isEmpty()) {
            return null;
        }
        Token t = byValue.get(value);
        if (t != null) {
            return t.valid(now) ? state.channel(t.channelId) : null;
        }
        JWTClaimsSet stateless = statelessClaims(value, now);
        return stateless == null ? null : state.channel(stateless.getSubject());
    }

    /** The channel id (Messaging API or Login) of any valid channel access token, else null. */
    public String ownerOf(String value, Instant now) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        Token t = byValue.get(value);
        if (t != null) {
            return t.valid(now) ? t.channelId : null;
        }
        JWTClaimsSet stateless = statelessClaims(value, now);
        return stateless == null ? null : stateless.getSubject();
    }

    /**
     * The channel id (Messaging API or Login) of a valid v2.1 or stateless channel access token, else
     * null: what {@code /user/v1/deauthorize} accepts (§4.1).
     */
    public String v21OrStatelessOwner(String value, Instant now) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        Token t = byValue.get(value);
        if (t != null) {
            return t.type == Type.V2_1 && t.valid(now) ? t.channelId : null;
        }
        JWTClaimsSet stateless = statelessClaims(value, now);
        return stateless == null ? null : stateless.getSubject();
    }

    private JWTClaimsSet statelessClaims(String value, Instant now) {
        if (!value.startsWith("eyJ")) {
            return null;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(value);
            if (!jwt.verify(verifier)) {
                return null;
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            if (!"stateless".equals(c.getStringClaim("typ")) || c.getExpirationTime() == null
                    || !now.isBefore(c.getExpirationTime().toInstant())) {
                return null;
            }
            return c;
        } catch (ParseException | JOSEException e) {
            return null;
        }
    }

    // ---- issuance ---------------------------------------------------------------------------

    /** Issues (or reissues) the channel's one long-lived token; {@code fixed} may pin its value. */
    public String issueLongLived(Channel c, String fixed) {
        String value = fixed != null ? fixed : Ids.alnum(172, true);
        Token t = new Token(value, c.channelId(), Type.LONG_LIVED, null, null);
        Token old = longLived.put(c.channelId(), t);
        if (old != null) {
            old.revoked = true;
            byValue.remove(old.value);
        }
        byValue.put(value, t);
        return value;
    }

    /** {@code POST /v2/oauth/accessToken}: client_credentials with client_id and client_secret. */
    public ObjectNode shortLived(QueryParams form, Instant now) {
        if (!"client_credentials".equals(form.get("grant_type"))) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "unsupported_grant_type", "unsupported grant_type");
        }
        String channelId = clientCredentials(form, "invalid_client", "invalid client_id", "invalid client_secret");
        String value = Ids.alnum(172, true);
        Token t = new Token(value, channelId, Type.SHORT_LIVED, now.plus(SHORT_LIVED), null);
        Deque<Token> list = shortLived.computeIfAbsent(channelId, k -> new ArrayDeque<>());
        synchronized (list) {
            prune(list, now);
            if (list.size() >= MAX_SHORT_LIVED) { // the 31st revokes the oldest (§4.1)
                Token oldest = list.pollFirst();
                oldest.revoked = true;
                byValue.remove(oldest.value);
            }
            list.addLast(t);
        }
        byValue.put(value, t);
        onChange.run();
        ObjectNode b = F.objectNode();
        b.put("access_token", value);
        b.put("expires_in", SHORT_LIVED.toSeconds());
        b.put("token_type", "Bearer");
        return b;
    }

    /** {@code POST /oauth2/v2.1/token}: a JWT assertion; at most 30 valid tokens, then 400. */
    public ObjectNode v21(QueryParams form, Instant now) {
        if (!"client_credentials".equals(form.get("grant_type"))) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "unsupported_grant_type", "unsupported grant_type");
        }
        Assertion a = assertion(form.get("client_assertion_type"), form.get("client_assertion"), now);
        long tokenExp = a.tokenExp == null ? MAX_V21.toSeconds() : a.tokenExp;
        if (tokenExp <= 0 || tokenExp > MAX_V21.toSeconds()) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "Invalid token_exp");
        }
        Deque<Token> list = v21.computeIfAbsent(a.channelId, k -> new ArrayDeque<>());
        Token t;
        synchronized (list) {
            prune(list, now);
            if (list.size() >= MAX_V21_TOKENS) { // unlike short-lived, v2.1 issuance is blocked (§4.1)
                throw ApiException.badRequest("The maximum number of access tokens has already been issued");
            }
            Instant exp = now.plusSeconds(tokenExp);
            String keyId = Ids.alnum(22, false);
            t = new Token(jws(a.channelId, exp, "v2.1", keyId), a.channelId, Type.V2_1, exp, keyId);
            list.addLast(t);
        }
        byValue.put(t.value, t);
        onChange.run();
        ObjectNode b = F.objectNode();
        b.put("access_token", t.value);
        b.put("token_type", "Bearer");
        b.put("expires_in", tokenExp);
        b.put("key_id", t.keyId);
        return b;
    }

    /** {@code GET /oauth2/v2.1/tokens/kid}: key ids of the channel's valid v2.1 tokens. */
    public ObjectNode kids(QueryParams query, Instant now) {
        Assertion a = assertion(query.get("client_assertion_type"), query.get("client_assertion"), now);
        ObjectNode b = F.objectNode();
        var arr = b.putArray("kids");
        Deque<Token> list = v21.get(a.channelId);
        if (list != null) {
            synchronized (list) {
                prune(list, now);
                list.forEach(t -> arr.add(t.keyId));
            }
        }
        return b;
    }

    /** {@code POST /oauth2/v3/token}: stateless, by client secret or by JWT assertion. */
    public ObjectNode stateless(QueryParams form, Instant now) {
        if (!"client_credentials".equals(form.get("grant_type"))) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "Invalid 'client_credentials'.");
        }
        String channelId;
        if (form.get("client_assertion") != null) {
            channelId = assertion(form.get("client_assertion_type"), form.get("client_assertion"), now).channelId;
        } else {
            channelId = clientCredentials(form, "invalid_request", "Invalid 'client_credentials'.", "Invalid 'client_credentials'.");
        }
        ObjectNode b = F.objectNode();
        b.put("token_type", "Bearer");
        b.put("access_token", jws(channelId, now.plus(STATELESS), "stateless", null));
        b.put("expires_in", STATELESS.toSeconds());
        return b;
    }

    // ---- verify and revoke ------------------------------------------------------------------

    /** {@code POST /v2/oauth/verify}: short-lived and long-lived tokens. */
    public ObjectNode verifyV2(QueryParams form, Instant now) {
        String value = form.get("access_token");
        if (value == null || value.isBlank()) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "access_token in invalid format");
        }
        Token t = byValue.get(value);
        if (t == null || !t.valid(now) || (t.type != Type.SHORT_LIVED && t.type != Type.LONG_LIVED)) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "access_token invalid");
        }
        return verified(t.channelId, t.expiresAt, now, "P CM");
    }

    /** {@code GET /oauth2/v2.1/verify}: v2.1 and stateless tokens (and any token, as LINE Login's). */
    public ObjectNode verifyV21(String value, Instant now) {
        if (value == null || value.isBlank()) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "access_token invalid");
        }
        Token t = byValue.get(value);
        if (t != null) {
            if (!t.valid(now)) {
                throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "The access token expired");
            }
            return verified(t.channelId, t.expiresAt, now, "profile chat_message.write");
        }
        if (!value.startsWith("eyJ")) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "The access token not JWS");
        }
        JWTClaimsSet c = statelessClaims(value, now);
        if (c == null) {
            // "expired" only for a token this platform issued that has expired; one it never issued (or
            // cannot verify) is not called expired. UNCONFIRMED: the reference documents "not JWS",
            // "expired" and "revoked" only; this text follows their pattern.
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request",
                    statelessClaims(value, Instant.MIN) != null ? "The access token expired" : "The access token invalid");
        }
        return verified(c.getSubject(), c.getExpirationTime().toInstant(), now, "profile chat_message.write");
    }

    /** {@code POST /v2/oauth/revoke}: unknown tokens are not an error (§4.2). Stateless can't be revoked. */
    public void revokeV2(QueryParams form) {
        String value = form.get("access_token");
        if (value == null || value.isBlank()) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", null);
        }
        Token t = byValue.get(value);
        if (t != null && (t.type == Type.SHORT_LIVED || t.type == Type.LONG_LIVED)) {
            revoke(t);
        }
    }

    /** {@code POST /oauth2/v2.1/revoke}: needs client_id and client_secret; v2.1 tokens only. */
    public void revokeV21(QueryParams form) {
        String value = form.get("access_token");
        if (value == null || value.isBlank()) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "The access token malformed");
        }
        if (!value.startsWith("eyJ")) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "The access token not JWS");
        }
        String channelId = clientCredentials(form, "invalid_client", "invalid client_id", "invalid client_secret");
        Token t = byValue.get(value);
        if (t != null && t.type == Type.V2_1 && t.channelId.equals(channelId)) {
            revoke(t);
        }
    }

    private void revoke(Token t) {
        t.revoked = true;
        byValue.remove(t.value);
        Deque<Token> list = (t.type == Type.SHORT_LIVED ? shortLived : v21).get(t.channelId);
        if (list != null) {
            synchronized (list) {
                list.remove(t);
            }
        }
        if (t.type == Type.LONG_LIVED) {
            longLived.remove(t.channelId, t);
        }
        onChange.run();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private ObjectNode verified(String channelId, Instant expiresAt, Instant now, String scope) {
        ObjectNode b = F.objectNode();
        b.put("client_id", channelId);
        // A long-lived token never expires; the platform answers a very large number (§4.2 example).
        b.put("expires_in", expiresAt == null ? 3_138_007_490L : Math.max(0, Duration.between(now, expiresAt).toSeconds()));
        b.put("scope", scope);
        return b;
    }

    /** The id of the channel whose client_id and client_secret are in {@code form}. */
    private String clientCredentials(QueryParams form, String error, String badId, String badSecret) {
        Client c = client(form.get("client_id"));
        if (c == null) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, error, badId);
        }
        if (!c.secret().matches(form.get("client_secret"))) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, error, badSecret);
        }
        return c.channelId();
    }

    private Client client(String channelId) {
        Channel c = state.channel(channelId);
        if (c != null) {
            return new Client(c.channelId(), c.secret(), c.assertionKeys());
        }
        return channelId == null ? null : loginClients.get(channelId);
    }

    /** Messaging API channels, then Login channels. */
    private List<Client> clients() {
        List<Client> all = new ArrayList<>();
        state.channels().forEach(c -> all.add(new Client(c.channelId(), c.secret(), c.assertionKeys())));
        all.addAll(loginClients.values());
        return all;
    }

    /** A LINE Login channel, so that it can issue channel access tokens with its own id and secret. */
    public void registerLoginClient(String channelId, Secret secret) {
        loginClients.put(channelId, new Client(channelId, secret, new ConcurrentHashMap<>()));
    }

    /** A module channel, so that it can issue short-lived, v2.1 and stateless channel access tokens with its own id and secret. */
    public void registerModuleClient(String channelId, Secret secret) {
        registerLoginClient(channelId, secret);
    }

    private static void prune(Deque<Token> list, Instant now) {
        for (Iterator<Token> it = list.iterator(); it.hasNext(); ) {
            if (!it.next().valid(now)) { // expired tokens don't count toward the limit (§4.1)
                it.remove();
            }
        }
    }

    private String jws(String channelId, Instant exp, String typ, String keyId) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .subject(channelId)
                    .expirationTime(Date.from(exp))
                    .jwtID(Ids.alnum(16, true))
                    .claim("typ", typ)
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Assertion(String channelId, Long tokenExp) {}

    /** Checks a client assertion as §4.3 describes: RS256 by a registered kid, iss=sub, aud, exp ≤ 30 min. */
    private Assertion assertion(String type, String assertion, Instant now) {
        if (!ASSERTION_TYPE.equals(type) || assertion == null || assertion.isBlank()) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "some parameters missed or invalid");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(assertion);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "Invalid client_assertion");
        }
        String kid = jwt.getHeader().getKeyID();
        String iss = claims.getIssuer();
        String owner = null;
        RSAKey key = null;
        if (kid != null) {
            for (Client c : clients()) {
                RSAKey k = c.assertionKeys().get(kid);
                if (k != null) {
                    owner = c.channelId();
                    key = k;
                    break;
                }
            }
        }
        if (owner == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Cannot find channel key that satisfies the conditions");
        }
        if (!owner.equals(iss)) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_client", "iss and clientId of key do not match");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_client", "Invalid alg");
        }
        try {
            if (!jwt.verify(new RSASSAVerifier(key))) {
                throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_client", "Invalid signature");
            }
        } catch (JOSEException e) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_client", "Invalid signature");
        }
        if (!iss.equals(claims.getSubject())) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_client", "Invalid sub");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(AUDIENCE)) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_client", "Invalid aud");
        }
        Date exp = claims.getExpirationTime();
        // The assertion may live at most 30 minutes; allow a little clock skew on top.
        if (exp == null || !exp.toInstant().isAfter(now)
                || exp.toInstant().isAfter(now.plus(MAX_ASSERTION).plusSeconds(60))) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_client", "Invalid exp");
        }
        Long tokenExp;
        try {
            tokenExp = claims.getLongClaim("token_exp");
        } catch (ParseException e) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "Invalid token_exp");
        }
        return new Assertion(owner, tokenExp);
    }

    public void registerAssertionKey(Channel c, String kid, RSAKey publicKey) {
        c.assertionKeys().put(kid, publicKey.toPublicJWK());
        onChange.run();
    }

    /** Registers an assertion key for a Messaging API or Login channel; false if the channel is unknown. */
    public boolean registerAssertionKey(String channelId, String kid, RSAKey publicKey) {
        Client c = client(channelId);
        if (c == null) {
            return false;
        }
        c.assertionKeys().put(kid, publicKey.toPublicJWK());
        onChange.run();
        return true;
    }

    // ---- what --state keeps -----------------------------------------------------------------

    /** An issued channel access token as {@code --state} keeps it. */
    public record SavedToken(String value, String channelId, Type type, Instant expiresAt, String keyId) {
        @Override
        public String toString() {
            return "SavedToken[" + type + ", channel " + channelId + "]";
        }
    }

    /** Runs {@code r} whenever a token is issued or revoked or an assertion key is registered. */
    public void onChange(Runnable r) {
        this.onChange = r;
    }

    /** The key that signs v2.1 and stateless tokens (a copy). */
    public byte[] jwsKey() {
        return jwsKey.clone();
    }

    /** Every token still valid at {@code now}: long-lived, short-lived and v2.1 (stateless ones need only the key). */
    public List<SavedToken> validTokens(Instant now) {
        List<SavedToken> out = new ArrayList<>();
        for (Token t : byValue.values()) {
            if (t.valid(now)) {
                out.add(new SavedToken(t.value, t.channelId, t.type, t.expiresAt, t.keyId));
            }
        }
        return out;
    }

    /**
     * Takes back a token an earlier run issued, if it is still valid and its channel (Messaging API
     * or Login) exists. A restored long-lived token replaces the one issued at start.
     */
    public void restore(SavedToken s, Instant now) {
        if (s.value() == null || s.type() == null || (s.expiresAt() != null && !now.isBefore(s.expiresAt()))
                || client(s.channelId()) == null || byValue.containsKey(s.value())) {
            return;
        }
        Token t = new Token(s.value(), s.channelId(), s.type(), s.expiresAt(), s.keyId());
        switch (s.type()) {
            case LONG_LIVED -> {
                Token old = longLived.put(s.channelId(), t);
                if (old != null) {
                    old.revoked = true;
                    byValue.remove(old.value);
                }
            }
            case SHORT_LIVED, V2_1 -> {
                Deque<Token> list = (s.type() == Type.SHORT_LIVED ? shortLived : v21).computeIfAbsent(s.channelId(), k -> new ArrayDeque<>());
                synchronized (list) {
                    list.addLast(t);
                }
            }
            default -> {
                return;
            }
        }
        byValue.put(s.value(), t);
    }

    /** The assertion keys registered for a Messaging API or Login channel (empty if unknown). */
    public Map<String, RSAKey> assertionKeys(String channelId) {
        Client c = client(channelId);
        return c == null ? Map.of() : Map.copyOf(c.assertionKeys());
    }
}
