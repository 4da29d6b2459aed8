package io.linegate.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the delay before retry {@code n} (1 for the first retry) is drawn
 * from the upper half of {@code first * 2^(n-1)}, capped at {@code max}. The jitter spreads the
 * retries of many conversations or sends that failed together, so they do not come back together.
 * One class for every retry linegate makes: handlers ({@link #HANDLERS}) and sends to LINE
 * ({@link #SENDS}).
 *
 * @param first the first retry's delay (before jitter)
 * @param max   the cap of every delay
 */
public record Backoff(Duration first, Duration max) {
    /** Handler retries: from 1 s, doubling, up to 5 minutes. */
    public static final Backoff HANDLERS = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));
    /** Retries of a send to LINE with the same retry key: from 500 ms up to 30 s. */
    public static final Backoff SENDS = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    public Backoff {
        if (first == null || max == null || first.isNegative() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff must be 0 <= first <= max, was first " + first + ", max " + max);
        }
    }

    /** The delay before retry {@code attempt} (1 for the first retry), in milliseconds, with jitter. */
    public long delayMillis(int attempt) {
        long capped = ceilingMillis(attempt);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    /** The delay before retry {@code attempt} before jitter: the upper bound of {@link #delayMillis}. */
    public long ceilingMillis(int attempt) {
        long base = first.toMillis() << Math.min(Math.max(attempt, 1) - 1, 20);
        return Math.min(base, max.toMillis());
    }
}
