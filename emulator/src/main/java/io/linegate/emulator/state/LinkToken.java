package io.linegate.emulator.state;

import java.time.Duration;
import java.time.Instant;

/** A link token (api-facts §6): issued for one user, valid 10 minutes, single use. */
public record LinkToken(String userId, Instant expiresAt) {
    public static final Duration VALIDITY = Duration.ofMinutes(10);
}
