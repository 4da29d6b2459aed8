package io.linegate.emulator.domain;

import java.time.Duration;
import java.time.Instant;

/** A link token (Messaging API docs, "Link user accounts"): issued for one user, valid 10 minutes, single use. */
public record LinkToken(String userId, Instant expiresAt) {
    public static final Duration VALIDITY = Duration.ofMinutes(10);
}
