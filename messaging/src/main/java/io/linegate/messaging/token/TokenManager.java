package io.linegate.messaging.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.linegate.core.Secret;
import io.linegate.store.TokenStore;
import io.linegate.store.TokenStore.StoredToken;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel access token a bot sends with, kept valid (guideline: "build a process to reissue
 * new channel access tokens on a regular basis", Messaging API docs, "Channel access token"):
 * <ul>
 *   <li>a token is reused while valid and reissued {@code renewBefore} its expiry, never extended;</li>
 *   <li>processes sharing a store share the token: one of them issues, under a lease, and the others
 *       pick the new token up from the store, so together they issue as one;</li>
 *   <li>superseded tokens are revoked after a grace period, so the number that stay valid is small;</li>
 *   <li>v2.1 tokens (JWT assertion signed with the channel's RS256 key): at start the store is
 *       reconciled with {@code tokens/kid}, and issuing is refused with {@link TokenLimitException}
 *       before LINE's limit of 30 would be reached;</li>
 *   <li>short-lived tokens: LINE silently invalidates the oldest on the 31st issue, so linegate
 *       refuses to issue while 30 of its own are still valid;</li>
 *   <li>stateless tokens (15 minutes, not revocable): one issue at a time however many threads ask;</li>
 *   <li>long-lived tokens are accepted with a warning: the guidelines advise against them.</li>
 * </ul>
 */
public final class TokenManager {
    private static final Logger log = LoggerFactory.getLogger(TokenManager.class);
    static final int V21_LIMIT = 30;
    static final int SHORT_LIVED_LIMIT = 30;
    private static final Duration LEASE = Duration.ofSeconds(30);

    /** The four kinds of channel access token. */
    public enum Kind {
        LONG_LIVED("long_lived"), SHORT_LIVED("short_lived"), STATELESS("stateless"), V21("v2.1");

        final String stored;

        Kind(String stored) {
            this.stored = stored;
        }
    }

    private record Cached(Secret token, Instant renewAt, long storedId) {}

    private final Kind kind;
    private final String channelId;
    private final Secret channelSecret;
    private final RSAKey assertionKey;
    private final Duration tokenLifetime;
    private final TokenStore store;
    private final TokenEndpoints endpoints;
    private final Clock clock;
    private final Duration renewBefore;
    private final Duration revokeAfter;
    private final String holder;
    private volatile Cached cached;
    private boolean reconciled;

    private TokenManager(Builder b) {
        this.kind = b.kind;
        this.channelId = b.channelId;
        this.channelSecret = b.channelSecret;
        this.assertionKey = b.assertionKey;
        this.tokenLifetime = b.tokenLifetime;
        this.store = b.store;
        this.endpoints = new TokenEndpoints(b.apiBase);
        this.clock = b.clock;
        this.renewBefore = b.renewBefore;
        this.revokeAfter = b.revokeAfter;
        this.holder = b.holder;
    }

    /** A long-lived token from the console: used as is, with a warning. */
    public static TokenManager longLived(Secret token) {
        log.warn("using a long-lived channel access token: the guidelines advise short-lived, v2.1 or stateless"
                + " tokens, which linegate reissues by itself");
        TokenManager m = new Builder(Kind.LONG_LIVED, "console", null).build();
        m.cached = new Cached(token, Instant.MAX, -1);
        return m;
    }

    public static Builder shortLived(String channelId, Secret channelSecret) {
        return new Builder(Kind.SHORT_LIVED, channelId, channelSecret);
    }

    public static Builder stateless(String channelId, Secret channelSecret) {
        return new Builder(Kind.STATELESS, channelId, channelSecret);
    }

    /**
     * One stateless token, not kept anywhere: for a short task that must not touch a deployment's
     * stored tokens (such as {@code linegate preflight}). Stateless tokens last 15 minutes, count
     * against no issuance limit and need no revocation (Messaging API reference, "Issue stateless
     * channel access token").
     */
    public static Secret issueStateless(URI apiBase, String channelId, Secret channelSecret) throws IOException {
        return Secret.of(new TokenEndpoints(apiBase).stateless(channelId, channelSecret.reveal()).accessToken(),
                "channel access token");
    }

    /**
     * v2.1 tokens of {@code tokenLifetime} (at most 30 days), issued with JWT assertions signed by
     * {@code assertionKey} (the private RSA JWK whose public half is registered on the console, with
     * the {@code kid} the console gave). The channel secret is needed to revoke superseded tokens.
     */
    public static Builder v21(String channelId, Secret channelSecret, RSAKey assertionKey, Duration tokenLifetime) {
        Builder b = new Builder(Kind.V21, channelId, channelSecret);
        if (assertionKey == null || !assertionKey.isPrivate() || assertionKey.getKeyID() == null) {
            throw new IllegalArgumentException("the v2.1 assertion key must be a private RSA JWK with its kid");
        }
        if (tokenLifetime.isNegative() || tokenLifetime.isZero() || tokenLifetime.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("v2.1 token lifetime must be between 1 second and 30 days, was " + tokenLifetime);
        }
        b.assertionKey = assertionKey;
        b.tokenLifetime = tokenLifetime;
        return b;
    }

    public Kind kind() {
        return kind;
    }

    /** The token to send with now: the current one, or a new one if it is due for renewal. */
    public Secret current() throws IOException {
        Cached c = cached;
        if (c != null && clock.instant().isBefore(c.renewAt())) {
            return c.token();
        }
        synchronized (this) {
            c = cached;
            if (c != null && clock.instant().isBefore(c.renewAt())) {
                return c.token();
            }
            if (kind == Kind.V21 && !reconciled) {
                reconcile(clock.instant()); // at start-up: forget stored tokens LINE no longer honours
            }
            StoredToken t = obtain();
            cached = new Cached(Secret.of(t.token(), "channel access token"), renewAt(t), t.id());
            return cached.token();
        }
    }

    /**
     * Housekeeping, to run every minute or so: revokes superseded tokens whose grace period is over.
     * One process does it at a time, under the same lease as issuing.
     */
    public void maintain() {
        if (kind == Kind.LONG_LIVED || kind == Kind.STATELESS) {
            return;
        }
        String lease = "token:" + channelId + ":" + kind.stored;
        Instant now = clock.instant();
        if (store.tryLease(lease, holder, now, LEASE)) {
            try {
                revokeSuperseded(now);
            } finally {
                store.releaseLease(lease, holder);
            }
        }
    }

    /**
     * The current token was refused (a 401: revoked or expired elsewhere): it is marked revoked in the
     * store, so that this and every other process obtain a new one instead of reusing it.
     */
    public synchronized void invalidate() {
        Cached c = cached;
        if (kind == Kind.LONG_LIVED || c == null) {
            return;
        }
        store.markRevoked(c.storedId(), clock.instant());
        cached = null;
    }

    /** Tokens of this channel and kind that are valid now, as the store knows them (no token values). */
    public List<StoredToken> live() {
        return store == null ? List.of() : store.live(channelId, kind.stored, clock.instant());
    }

    private Instant renewAt(StoredToken t) {
        Duration life = Duration.between(t.issuedAt(), t.expiresAt());
        Duration margin = renewBefore != null ? renewBefore : min(life.dividedBy(10), Duration.ofDays(1));
        return t.expiresAt().minus(margin);
    }

    private StoredToken obtain() throws IOException {
        String lease = "token:" + channelId + ":" + kind.stored;
        for (int tries = 0; tries < 300; tries++) {
            Instant now = clock.instant();
            Optional<StoredToken> fresh = freshIn(now);
            if (fresh.isPresent()) {
                return fresh.get();
            }
            if (store.tryLease(lease, holder, now, LEASE)) {
                try {
                    fresh = freshIn(now); // another process may have issued just before we took the lease
                    if (fresh.isPresent()) {
                        return fresh.get();
                    }
                    StoredToken issued = issue(now);
                    revokeSuperseded(now);
                    return issued;
                } finally {
                    store.releaseLease(lease, holder);
                }
            }
            sleep(100);
        }
        throw new IOException("timed out waiting for another process to issue the " + kind.stored + " token");
    }

    private Optional<StoredToken> freshIn(Instant now) {
        return store.newest(channelId, kind.stored, now).filter(t -> now.isBefore(renewAt(t)));
    }

    private StoredToken issue(Instant now) throws IOException {
        TokenEndpoints.Issued issued;
        switch (kind) {
            case SHORT_LIVED:
                revokeSuperseded(now);
                if (store.live(channelId, kind.stored, now).size() >= SHORT_LIVED_LIMIT) {
                    throw new TokenLimitException("30 short-lived tokens of channel " + channelId + " are still valid;"
                            + " a 31st would silently invalidate the oldest, which may be in use");
                }
                issued = endpoints.shortLived(channelId, channelSecret.reveal());
                break;
            case STATELESS:
                issued = endpoints.stateless(channelId, channelSecret.reveal());
                break;
            case V21:
                List<String> kids = reconcile(now);
                if (kids.size() >= V21_LIMIT) {
                    throw new TokenLimitException(kids.size() + " v2.1 tokens of channel " + channelId
                            + " are valid, LINE's limit is " + V21_LIMIT + "; revoke unused ones before issuing");
                }
                issued = endpoints.v21(assertion(now));
                break;
            default:
                throw new IllegalStateException("a long-lived token is never issued by linegate");
        }
        Instant expires = now.plusSeconds(issued.expiresInSeconds());
        StoredToken t = store.saveIssued(channelId, kind.stored, issued.accessToken(), issued.keyId(), now, expires);
        log.info("issued a {} channel access token for channel {} (key id {}), valid until {}", kind.stored, channelId,
                issued.keyId(), expires);
        return t;
    }

    /** Valid v2.1 key ids on the platform; stored tokens LINE no longer knows are marked revoked. */
    private List<String> reconcile(Instant now) throws IOException {
        List<String> kids = endpoints.v21KeyIds(assertion(now));
        if (!reconciled) {
            for (StoredToken t : store.live(channelId, kind.stored, now)) {
                // Only tokens older than the question: one another process issued meanwhile may be missing
                // from the answer, and revoking it here made two processes starting together issue two.
                if (t.keyId() != null && !kids.contains(t.keyId()) && t.issuedAt().isBefore(now)) {
                    log.info("v2.1 token {} of channel {} is no longer valid on the platform", t.keyId(), channelId);
                    store.markRevoked(t.id(), now);
                }
            }
            reconciled = true;
        }
        return kids;
    }

    private void revokeSuperseded(Instant now) {
        if (kind == Kind.STATELESS) {
            return; // stateless tokens cannot be revoked; they expire in 15 minutes
        }
        for (StoredToken t : store.toRevoke(channelId, kind.stored, now.minus(revokeAfter))) {
            try {
                if (t.expiresAt().isAfter(now)) {
                    if (kind == Kind.V21) {
                        endpoints.revokeV21(channelId, channelSecret.reveal(), t.token());
                    } else {
                        endpoints.revokeShortLived(t.token());
                    }
                }
                store.markRevoked(t.id(), now);
            } catch (IOException e) {
                log.warn("could not revoke superseded {} token {} of channel {}; will try again: {}", kind.stored,
                        t.id(), channelId, e.getMessage());
            }
        }
    }

    String assertion(Instant now) {
        try {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                    .keyID(assertionKey.getKeyID()).build();
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(channelId).subject(channelId).audience("https://api.line.me/")
                    .expirationTime(Date.from(now.plus(Duration.ofMinutes(25)))) // LINE: at most 30 minutes
                    .claim("token_exp", tokenLifetime.toSeconds())
                    .build();
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new RSASSASigner(assertionKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the JWT assertion with the configured key", e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the token lease");
        }
    }

    @Override
    public String toString() {
        return "TokenManager[" + kind.stored + ", channel " + channelId + "]";
    }

    /** Options; the store is required for every kind but long-lived. */
    public static final class Builder {
        private final Kind kind;
        private final String channelId;
        private final Secret channelSecret;
        private RSAKey assertionKey;
        private Duration tokenLifetime;
        private TokenStore store;
        private URI apiBase = URI.create("https://api.line.me");
        private Clock clock = Clock.systemUTC();
        private Duration renewBefore;
        private Duration revokeAfter = Duration.ofMinutes(10);
        private String holder = UUID.randomUUID().toString();

        private Builder(Kind kind, String channelId, Secret channelSecret) {
            this.kind = kind;
            this.channelId = Objects.requireNonNull(channelId, "channel id");
            this.channelSecret = channelSecret;
        }

        public Builder store(TokenStore store) { this.store = store; return this; }
        public Builder apiBase(URI apiBase) { this.apiBase = apiBase; return this; }
        public Builder clock(Clock clock) { this.clock = clock; return this; }

        /** How long before expiry a token is replaced (default: a tenth of its life, at most a day). */
        public Builder renewBefore(Duration d) { this.renewBefore = d; return this; }

        /** How long a superseded token stays valid for requests still using it (default 10 minutes). */
        public Builder revokeAfter(Duration d) { this.revokeAfter = d; return this; }

        public TokenManager build() {
            if (kind != Kind.LONG_LIVED && store == null) {
                throw new IllegalArgumentException("a token store is required to share " + kind.stored + " tokens");
            }
            return new TokenManager(this);
        }
    }
}
