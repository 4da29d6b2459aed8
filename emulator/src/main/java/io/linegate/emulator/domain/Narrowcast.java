package io.linegate.emulator.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * One accepted narrowcast (Messaging API reference, "Get narrowcast message status"). The phase is derived from the clock so that it advances
 * without a scheduler: {@code waiting} for {@link #WAITING}, then {@code sending} for {@link #SENDING},
 * then {@code succeeded} (or {@code failed} with an error code).
 */
public record Narrowcast(String requestId, Instant acceptedTime, int targetCount, int successCount,
        Integer errorCode, String failedDescription) {
    public static final Duration WAITING = Duration.ofMillis(200);
    public static final Duration SENDING = Duration.ofMillis(300);
    public static final Duration RETENTION = Duration.ofDays(14);

    public String phase(Instant now) {
        if (now.isBefore(acceptedTime.plus(WAITING))) {
            return "waiting";
        }
        if (now.isBefore(completedTime())) {
            return "sending";
        }
        return errorCode == null ? "succeeded" : "failed";
    }

    public Instant completedTime() {
        return acceptedTime.plus(WAITING).plus(SENDING);
    }
}
