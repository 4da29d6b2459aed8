package io.linegate.store;

import java.time.Instant;

/**
 * LINE Login attempts in progress, each bound to one browser by the id in its cookie.
 *
 * <p>The contract every backend keeps:
 * <ul>
 *   <li><b>Only digests of the browser-held secrets.</b> The caller passes SHA-256 digests of the
 *       login id (the cookie) and of {@code state}; the store compares them and never sees the
 *       values. The ID token's {@code nonce} and the PKCE {@code code_verifier} are kept as given:
 *       the callback needs them in clear (the nonce is compared with the ID token's claim, the
 *       verifier is sent to LINE's token endpoint).</li>
 *   <li><b>Single use, atomically.</b> {@link #usePendingLogin} checks the state, marks the login
 *       used and returns it as one atomic step: of any number of concurrent callers (in any number of
 *       processes) with the right state, exactly one gets the login.</li>
 *   <li><b>Expiry.</b> A login is usable only before its {@code expiresAt}. {@link #purgeExpired}
 *       deletes every login, used or not, whose {@code expiresAt} has passed, and
 *       {@link #evictOldestAnonymous} bounds the anonymous ones, so anonymous visitors cannot make the
 *       store grow without bound.</li>
 * </ul>
 */
public interface PendingLogins {

    void savePendingLogin(PendingLogin login);

    /**
     * Uses the login whose id digest is {@code idHash}, if {@code stateHash} matches (compared in
     * constant time), it was never used and {@code now} is before its expiry. A mismatched state
     * leaves the login unused; a used or expired one stays refused.
     */
    Use usePendingLogin(String idHash, String stateHash, Instant now);

    /** Deletes every login whose {@code expiresAt} is at or before {@code now}; returns how many. */
    int purgeExpired(Instant now);

    /**
     * Keeps at most {@code keep} unused anonymous logins (those that link no member), deleting the
     * oldest beyond them (by expiry; every login lives as long): a global bound that a flood of
     * anonymous starts from many addresses meets by pushing out the oldest attempts, never by refusing
     * a new visitor. Logins started by signed-in members to link their account are never deleted
     * here. Returns how many were deleted.
     */
    int evictOldestAnonymous(int keep);

    /**
     * A login in progress. {@code linkMemberId} is the member of the site who started it to link their
     * LINE account (after the site checked their session and CSRF token); null for a plain sign-in.
     */
    record PendingLogin(String idHash, String stateHash, String nonce, String codeVerifier, String redirectUri,
                        String linkMemberId, Instant createdAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "PendingLogin[redirectUri=" + redirectUri + ", link=" + (linkMemberId != null) + ", createdAt=" + createdAt
                    + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** The outcome of {@link #usePendingLogin}: the login, or why not. */
    record Use(PendingLogin login, Refusal refusal) {
        public enum Refusal { NO_SUCH_LOGIN, STATE_MISMATCH, ALREADY_USED, EXPIRED }
    }
}
