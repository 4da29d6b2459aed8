package io.linegate.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Channel access tokens shared by the processes of one deployment, and the lease that serializes issuing. */
public interface TokenStore {

    /** The newest unrevoked token of this kind that is still valid at {@code at}. */
    Optional<StoredToken> newest(String channelId, String kind, Instant at);

    /** Saves a freshly issued token and marks the older ones of its kind superseded. */
    StoredToken saveIssued(String channelId, String kind, String token, String keyId, Instant issuedAt, Instant expiresAt);

    /** Unrevoked tokens of this kind that were superseded before {@code before}, or have expired. */
    List<StoredToken> toRevoke(String channelId, String kind, Instant before);

    /** Unrevoked, unexpired tokens of this kind. */
    List<StoredToken> live(String channelId, String kind, Instant at);

    void markRevoked(long id, Instant at);

    /**
     * Takes (or renews) the lease {@code name} for {@code holder} until {@code ttl} from {@code now};
     * false if another holder has it. Atomic: of any number of processes asking at once, at most one
     * holds an unexpired lease.
     */
    boolean tryLease(String name, String holder, Instant now, Duration ttl);

    void releaseLease(String name, String holder);

    /** A stored token. {@link #toString()} leaves the token out. */
    record StoredToken(long id, String channelId, String kind, String token, String keyId, Instant issuedAt,
                       Instant expiresAt, Instant supersededAt) {
        @Override
        public String toString() {
            return "StoredToken[id=" + id + ", channel=" + channelId + ", kind=" + kind + ", keyId=" + keyId
                    + ", issuedAt=" + issuedAt + ", expiresAt=" + expiresAt + ", supersededAt=" + supersededAt + "]";
        }
    }
}
