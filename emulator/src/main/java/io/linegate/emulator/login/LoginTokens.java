package io.linegate.emulator.login;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.linegate.emulator.domain.BoundedMap;
import io.linegate.emulator.domain.Ids;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Authorization codes and users' access and refresh tokens (LINE Login docs, "Integrating LINE Login with your web app"; LINE Login v2.1 API reference; LIFF docs, "Using user data in LIFF apps and servers"; Messaging API reference, "Webhook event objects" and "Send reply message"). Bounded:
 * under a load test the oldest are forgotten. Values never appear in {@code toString()}.
 */
public final class LoginTokens {
    public static final Duration CODE = Duration.ofMinutes(10);
    public static final Duration ACCESS = Duration.ofDays(30);
    public static final Duration REFRESH = Duration.ofDays(90);
    public static final Duration LIFF_ACCESS = Duration.ofHours(12);
    public static final Duration LIFF_ID_TOKEN = Duration.ofHours(1);
    /** UNCONFIRMED (§5.5, §11): the lifetime of web-login ID tokens is not documented; one hour, like LIFF's. */
    public static final Duration WEB_ID_TOKEN = Duration.ofHours(1);

    /** An authorization code and what its authorization request was (the token request must match it). */
    public record Code(String channelId, String userId, String redirectUri, List<String> scopes, String nonce,
            String codeChallenge, Instant authTime, Instant expiresAt) {
        @Override
        public String toString() {
            return "Code[channel " + channelId + "]";
        }
    }

    /** A refresh token: valid 90 days from the first access token, never extended (§5.3). */
    public static final class Refresh {
        final String value;
        final String channelId;
        final String userId;
        final List<String> scopes;
        final Instant expiresAt;
        volatile boolean revoked;

        Refresh(String value, String channelId, String userId, List<String> scopes, Instant expiresAt) {
            this.value = value;
            this.channelId = channelId;
            this.userId = userId;
            this.scopes = scopes;
            this.expiresAt = expiresAt;
        }

        boolean valid(Instant now) {
            return !revoked && now.isBefore(expiresAt);
        }

        @Override
        public String toString() {
            return "Refresh[channel " + channelId + "]";
        }
    }

    /** A user's access token for one Login channel. Kept after revocation so verify can say "revoked". */
    public static final class Access {
        final String value;
        final String channelId;
        final String userId;
        final List<String> scopes;
        final Instant expiresAt;
        final Refresh refresh; // null for LIFF tokens
        volatile boolean revoked;

        Access(String value, String channelId, String userId, List<String> scopes, Instant expiresAt, Refresh refresh) {
            this.value = value;
            this.channelId = channelId;
            this.userId = userId;
            this.scopes = scopes;
            this.expiresAt = expiresAt;
            this.refresh = refresh;
        }

        public String channelId() {
            return channelId;
        }

        public String userId() {
            return userId;
        }

        public List<String> scopes() {
            return scopes;
        }

        public Instant expiresAt() {
            return expiresAt;
        }

        public boolean revoked() {
            return revoked;
        }

        public boolean valid(Instant now) {
            return !revoked && now.isBefore(expiresAt);
        }

        @Override
        public String toString() {
            return "Access[channel " + channelId + "]";
        }
    }

    private final Map<String, Code> codes = BoundedMap.of(100_000);
    private final Map<String, Access> access = BoundedMap.of(500_000);
    private final Map<String, Refresh> refresh = BoundedMap.of(500_000);
    private final MACSigner signer;

    public LoginTokens() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        try {
            signer = new MACSigner(k);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String newCode(Code c) {
        String value = Ids.alnum(20, true);
        codes.put(value, c);
        return value;
    }

    /** Removes the code: it is single use whether or not the exchange succeeds (§5.2). */
    public Code takeCode(String value) {
        return value == null ? null : codes.remove(value);
    }

    /** A refresh token and its first access token. */
    public Access issueWithRefresh(String channelId, String userId, List<String> scopes, Instant now) {
        Refresh r = new Refresh(Ids.alnum(20, true), channelId, userId, scopes, now.plus(REFRESH));
        refresh.put(r.value, r);
        return issue(channelId, userId, scopes, now.plus(ACCESS), r);
    }

    /** A new access token on an existing refresh token, which keeps its own expiry. */
    public Access refreshed(Refresh r, Instant now) {
        return issue(r.channelId, r.userId, r.scopes, now.plus(ACCESS), r);
    }

    public Access issue(String channelId, String userId, List<String> scopes, Instant expiresAt, Refresh r) {
        // JWS-shaped, like the platform's: "The access token not JWS" is an answer clients can get.
        String value;
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                    new JWTClaimsSet.Builder().jwtID(Ids.alnum(24, true)).build());
            jwt.sign(signer);
            value = jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        Access a = new Access(value, channelId, userId, List.copyOf(scopes), expiresAt, r);
        access.put(value, a);
        return a;
    }

    /** The access token with this value, valid or not (verify distinguishes expired and revoked). */
    public Access access(String value) {
        return value == null ? null : access.get(value);
    }

    public Refresh refresh(String value) {
        return value == null ? null : refresh.get(value);
    }

    public static String value(Access a) {
        return a.value;
    }

    public static String value(Refresh r) {
        return r.value;
    }

    /**
     * Revokes one access token and the refresh token it came with. UNCONFIRMED (§5.4): the reference
     * says only that the access token is invalidated; ending the whole grant is the safer assumption
     * for a client under test (it must not count on refreshing after logging out).
     */
    public void revoke(Access a) {
        a.revoked = true;
        if (a.refresh != null) {
            a.refresh.revoked = true;
        }
    }

    /** Deauthorization: every token of {@code userId} for {@code channelId}. */
    public void revokeAll(String channelId, String userId) {
        List<Access> hit = new ArrayList<>();
        synchronized (access) {
            for (Access a : access.values()) {
                if (a.channelId.equals(channelId) && a.userId.equals(userId)) {
                    hit.add(a);
                }
            }
        }
        hit.forEach(this::revoke);
        synchronized (refresh) {
            for (Refresh r : refresh.values()) {
                if (r.channelId.equals(channelId) && r.userId.equals(userId)) {
                    r.revoked = true;
                }
            }
        }
    }
}
