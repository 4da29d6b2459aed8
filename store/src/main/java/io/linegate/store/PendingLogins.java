package io.linegate.store;

import java.time.Instant;

/** LINE Login attempts in progress, each bound to one browser by the id in its cookie. */
public interface PendingLogins {

    void savePendingLogin(PendingLogin login);

    /**
     * Uses the pending login of {@code sessionId} if {@code state} matches, it was never used and it
     * is younger than {@code notBefore}; in one transaction, so that it can be used only once.
     */
    Use usePendingLogin(String sessionId, String state, Instant notBefore, Instant now);

    /** Forgets logins started before {@code before}. */
    void forgetPendingLogins(Instant before);

    record PendingLogin(String sessionId, String state, String nonce, String codeVerifier, String redirectUri,
                        Instant createdAt) {
        @Override
        public String toString() {
            return "PendingLogin[redirectUri=" + redirectUri + ", createdAt=" + createdAt + "]";
        }
    }

    /** The outcome of {@link #usePendingLogin}: the login, or why not. */
    record Use(PendingLogin login, Refusal refusal) {
        public enum Refusal { NO_SUCH_LOGIN, STATE_MISMATCH, ALREADY_USED, EXPIRED }
    }
}
